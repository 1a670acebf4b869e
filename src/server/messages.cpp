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
  return json{{"version", h.version},
              {"kind", kind_name(h.kind)},
              {"cwd", h.cwd},
              {"json", h.json},
              {"yes", h.yes},
              {"colour", h.colour},
              {"ssh_config", h.settings.ssh_config},
              {"log_dir", h.settings.log_dir}}
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
  h.cwd = field<std::string>(j, "cwd", "hello", "");
  h.json = field<bool>(j, "json", "hello", false);
  h.yes = field<bool>(j, "yes", "hello", false);
  h.colour = field<bool>(j, "colour", "hello", false);
  h.settings.ssh_config = field<std::string>(j, "ssh_config", "hello", "");
  h.settings.log_dir = field<std::string>(j, "log_dir", "hello", "");
  return h;
}

std::string encode_done(const Done& d) {
  return json{{"status", d.status},
              {"prompt", d.prompt},
              {"leave", d.leave},
              {"why", d.why},
              {"secret", d.secret}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Done decode_done(std::string_view body) {
  json j = parse(body, "done");
  Done d;
  d.status = field<int>(j, "status", "done", 0);
  d.prompt = field<std::string>(j, "prompt", "done", "");
  d.leave = field<bool>(j, "leave", "done", false);
  d.why = field<std::string>(j, "why", "done", "");
  d.secret = field<bool>(j, "secret", "done", false);
  return d;
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
