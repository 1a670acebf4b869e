// JSON bodies (messages.h), nlohmann-json with every field checked.
#include "server/messages.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "util/error.h"

namespace dust::server {
namespace {

using nlohmann::json;

json parse(std::string_view body, const char* what) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) throw Error(fmt::format("malformed {} message", what));
  return j;
}

template <typename T>
T field(const json& j, const char* name, const char* what, T fallback) {
  auto it = j.find(name);
  if (it == j.end()) return fallback;
  try {
    return it->template get<T>();
  } catch (const json::exception&) {
    throw Error(fmt::format("malformed {} message: field '{}'", what, name));
  }
}

const char* kind_name(ClientKind k) {
  switch (k) {
    case ClientKind::Interactive:
      return "interactive";
    case ClientKind::Command:
      return "command";
    case ClientKind::Control:
      return "control";
  }
  return "command";
}

}  // namespace

std::string encode_hello(const Hello& h) {
  const ClientInfo& c = h.client;
  return json{{"version", h.version},
              {"kind", kind_name(h.kind)},
              {"json", h.json},
              {"yes", h.yes},
              {"loglevel", h.loglevel},
              {"ssh_config", h.settings.ssh_config},
              {"log_dir", h.settings.log_dir},
              {"client",
               {{"env", c.env},
                {"cwd", c.cwd},
                {"stdin_tty", c.stdin_tty},
                {"stdout_tty", c.stdout_tty},
                {"stderr_tty", c.stderr_tty},
                {"terminal", c.terminal},
                {"cols", c.cols},
                {"rows", c.rows},
                {"colour", c.colour}}}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Hello decode_hello(std::string_view body) {
  json j = parse(body, "hello");
  Hello h;
  h.version = field<std::string>(j, "version", "hello", "");
  std::string kind = field<std::string>(j, "kind", "hello", "");
  if (kind == "interactive")
    h.kind = ClientKind::Interactive;
  else if (kind == "command")
    h.kind = ClientKind::Command;
  else if (kind == "control")
    h.kind = ClientKind::Control;
  else
    throw Error(fmt::format("malformed hello message: kind '{}'", kind));
  h.json = field<bool>(j, "json", "hello", false);
  h.yes = field<bool>(j, "yes", "hello", false);
  h.loglevel = field<std::string>(j, "loglevel", "hello", "");
  h.settings.ssh_config = field<std::string>(j, "ssh_config", "hello", "");
  h.settings.log_dir = field<std::string>(j, "log_dir", "hello", "");
  json c = field<json>(j, "client", "hello", json::object());
  if (!c.is_object()) throw Error("malformed hello message: field 'client'");
  ClientInfo& ci = h.client;
  ci.env = field<std::map<std::string, std::string>>(c, "env", "hello", {});
  ci.cwd = field<std::string>(c, "cwd", "hello", "");
  ci.stdin_tty = field<bool>(c, "stdin_tty", "hello", false);
  ci.stdout_tty = field<bool>(c, "stdout_tty", "hello", false);
  ci.stderr_tty = field<bool>(c, "stderr_tty", "hello", false);
  ci.terminal = field<bool>(c, "terminal", "hello", false);
  ci.cols = field<int>(c, "cols", "hello", 0);
  ci.rows = field<int>(c, "rows", "hello", 0);
  ci.colour = field<bool>(c, "colour", "hello", false);
  return h;
}

std::string encode_done(const Done& d) {
  json j{{"status", d.status},
         {"prompt", d.prompt},
         {"leave", d.leave},
         {"why", d.why},
         {"secret", d.secret}};
  if (d.local) j["local"] = *d.local;
  if (d.cwd) j["cwd"] = *d.cwd;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Done decode_done(std::string_view body) {
  json j = parse(body, "done");
  Done d;
  d.status = field<int>(j, "status", "done", 0);
  d.prompt = field<std::string>(j, "prompt", "done", "");
  d.leave = field<bool>(j, "leave", "done", false);
  d.why = field<std::string>(j, "why", "done", "");
  if (j.contains("local")) d.local = field<std::string>(j, "local", "done", "");
  d.secret = field<bool>(j, "secret", "done", false);
  if (j.contains("cwd")) d.cwd = field<std::string>(j, "cwd", "done", "");
  return d;
}

std::string encode_ask(const Ask& a) {
  return json{{"question", a.question}, {"secret", a.secret}}.dump(-1, ' ', false,
                                                                   json::error_handler_t::replace);
}

Ask decode_ask(std::string_view body) {
  json j = parse(body, "ask");
  return {field<std::string>(j, "question", "ask", ""), field<bool>(j, "secret", "ask", false)};
}

std::string encode_answer(const std::optional<std::string>& answer) {
  json j = json::object();
  j["answer"] = answer ? json(*answer) : json(nullptr);
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<std::string> decode_answer(std::string_view body) {
  json j = parse(body, "answer");
  auto it = j.find("answer");
  if (it == j.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) throw Error("malformed answer message: field 'answer'");
  return it->get<std::string>();
}

std::string encode_size(const Size& s) { return json{{"cols", s.cols}, {"rows", s.rows}}.dump(); }

Size decode_size(std::string_view body) {
  json j = parse(body, "size");
  return {field<int>(j, "cols", "size", 0), field<int>(j, "rows", "size", 0)};
}

std::string encode_complete(const CompleteRequest& c) {
  return json{{"before", c.before}, {"text", c.text}}.dump(-1, ' ', false,
                                                           json::error_handler_t::replace);
}

CompleteRequest decode_complete(std::string_view body) {
  json j = parse(body, "complete");
  return {field<std::string>(j, "before", "complete", ""),
          field<std::string>(j, "text", "complete", "")};
}

std::string encode_completions(const Completions& c) {
  return json{{"matches", c.matches}, {"files", c.files}}.dump(-1, ' ', false,
                                                               json::error_handler_t::replace);
}

Completions decode_completions(std::string_view body) {
  json j = parse(body, "completions");
  return {field<std::vector<std::string>>(j, "matches", "completions", {}),
          field<bool>(j, "files", "completions", false)};
}

}  // namespace dust::server
