// Drop-in Lua commands: finds the command files, runs each in its own environment, registers what
// it declares with dust.command{} into the one command table, and runs handlers when dispatched.
// A broken file is reported by name and skipped; a failing handler is reported and the shell goes
// on.
#include "plugins/lua_loader.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "plugins/lua_host.h"
#include "shell/command_table.h"
#include "shell/context.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/interrupt.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::plugins {
namespace {

namespace fs = std::filesystem;

// A command a file declared, registered only once the whole file has loaded without error.
struct Pending {
  shell::Command cmd;
  int ref = LUA_NOREF;  // the handler, in the registry
  std::string where;    // "file.lua:12: " of its dust.command call
};
std::vector<Pending>* g_pending = nullptr;

bool valid_name(const std::string& n) {
  if (n.empty() || n.size() > 64 || !isalpha(static_cast<unsigned char>(n[0]))) return false;
  return std::all_of(n.begin(), n.end(), [](char c) {
    return isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// "file:line:" of the Lua code that called the running C function.
std::string caller_where(lua_State* L) {
  luaL_where(L, 1);  // the Lua function that called the C function
  std::string w = lua_tostring(L, -1);
  lua_pop(L, 1);
  return w;
}

std::string field_string(lua_State* L, int t, const char* key, const std::string& where) {
  lua_getfield(L, t, key);
  std::string v;
  if (lua_type(L, -1) == LUA_TSTRING)
    v = lua_tostring(L, -1);
  else if (!lua_isnil(L, -1))
    throw Error(fmt::format("{}dust.command: '{}' must be a string, not {}", where, key,
                            luaL_typename(L, -1)));
  lua_pop(L, 1);
  return v;
}

std::vector<std::string> field_strings(lua_State* L, int t, const char* key,
                                       const std::string& where) {
  std::vector<std::string> out;
  lua_getfield(L, t, key);
  if (lua_istable(L, -1)) {
    for (lua_Integer i = 1;; ++i) {
      if (lua_rawgeti(L, -1, i) == LUA_TNIL) {
        lua_pop(L, 1);
        break;
      }
      if (lua_type(L, -1) != LUA_TSTRING)
        throw Error(fmt::format("{}dust.command: '{}' must hold strings", where, key));
      out.emplace_back(lua_tostring(L, -1));
      lua_pop(L, 1);
    }
  } else if (!lua_isnil(L, -1)) {
    throw Error(fmt::format("{}dust.command: '{}' must be a list of strings", where, key));
  }
  lua_pop(L, 1);
  return out;
}

// An optional non-negative integer field (min_args, max_args).
int field_count(lua_State* L, const char* key, int fallback, const std::string& where) {
  lua_getfield(L, 1, key);
  int v = fallback;
  if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 0 && lua_tointeger(L, -1) < 1000)
    v = static_cast<int>(lua_tointeger(L, -1));
  else if (!lua_isnil(L, -1))
    throw Error(fmt::format("{}dust.command: '{}' must be a whole number from 0", where, key));
  lua_pop(L, 1);
  return v;
}

shell::Command parse_spec(lua_State* L, const std::string& where) {
  shell::Command c;
  c.name = field_string(L, 1, "name", where);
  if (!valid_name(c.name))
    throw Error(fmt::format(
        "{}dust.command: name '{}' must be a letter then letters, digits, - or _", where, c.name));
  c.aliases = field_strings(L, 1, "aliases", where);
  for (const auto& a : c.aliases)
    if (!valid_name(a)) throw Error(fmt::format("{}dust.command: bad alias '{}'", where, a));
  c.usage = field_string(L, 1, "usage", where);
  c.summary = field_string(L, 1, "summary", where);
  c.help = field_string(L, 1, "help", where);
  std::string target = field_string(L, 1, "target", where);
  if (target.empty() || target == "none")
    c.target = shell::TargetKind::None;
  else if (target == "optional")
    c.target = shell::TargetKind::Optional;
  else if (target == "required")
    c.target = shell::TargetKind::Required;
  else
    throw Error(fmt::format("{}dust.command: target must be none, optional or required, not '{}'",
                            where, target));
  lua_getfield(L, 1, "acts");
  if (!lua_isnil(L, -1) && !lua_isboolean(L, -1))
    throw Error(fmt::format("{}dust.command: 'acts' must be true or false", where));
  c.acts = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  c.min_args = field_count(L, "min_args", 0, where);
  c.max_args = field_count(L, "max_args", -1, where);
  // complete = "nodes" or a list, one kind per word after the command name (the last repeats).
  std::vector<std::string> complete;
  lua_getfield(L, 1, "complete");
  bool one = lua_type(L, -1) == LUA_TSTRING;
  lua_pop(L, 1);
  if (one)
    complete = {field_string(L, 1, "complete", where)};
  else
    complete = field_strings(L, 1, "complete", where);
  if (complete.empty())
    c.complete = {c.target == shell::TargetKind::None ? shell::CompleteKind::None
                                                      : shell::CompleteKind::Nodes};
  for (const auto& k : complete) {
    if (k == "none")
      c.complete.push_back(shell::CompleteKind::None);
    else if (k == "nodes")
      c.complete.push_back(shell::CompleteKind::Nodes);
    else if (k == "files")
      c.complete.push_back(shell::CompleteKind::Files);
    else if (k == "commands")
      c.complete.push_back(shell::CompleteKind::Commands);
    else if (k == "clusters")
      c.complete.push_back(shell::CompleteKind::Clusters);
    else
      throw Error(
          fmt::format("{}dust.command: complete must be nodes, files, clusters, commands or none "
                      "(or a list of them)",
                      where));
  }
  // `complete = {"nodes", "files"}` with an optional target: a lone word that looks like a file
  // ("-", a path, a name with an extension) and selects no node is the file, not the target, so
  // `inventory hosts.ini` and `inventory -` work on every node as their usage says.
  if (c.target == shell::TargetKind::Optional && c.complete.size() >= 2 &&
      c.complete[0] == shell::CompleteKind::Nodes && c.complete[1] == shell::CompleteKind::Files)
    c.target_at = [](shell::Context& ctx, const std::vector<std::string>& w) {
      bool file_like =
          w.size() == 1 && (w[0] == "-" || w[0].find_first_of("/.") != std::string::npos);
      return file_like && !ctx.selects_any(w[0]) ? 1 : 0;
    };
  // flags = {{"-f", "--force", "help"}, {"--dry-run", help="..."}}
  lua_getfield(L, 1, "flags");
  if (lua_istable(L, -1)) {
    for (lua_Integer i = 1; lua_rawgeti(L, -1, i) == LUA_TTABLE; ++i) {
      std::vector<std::string> parts;
      for (lua_Integer j = 1; lua_rawgeti(L, -1, j) == LUA_TSTRING; ++j) {
        parts.emplace_back(lua_tostring(L, -1));
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
      shell::Flag f;
      for (const auto& p : parts) {
        if (p.rfind("--", 0) == 0 && f.long_name.empty())
          f.long_name = p;
        else if (p.size() == 2 && p[0] == '-' && f.short_name.empty())
          f.short_name = p;
        else
          f.help = p;
      }
      if (f.long_name.empty())
        throw Error(fmt::format("{}dust.command: flag {} has no --long name", where, i));
      c.flags.push_back(f);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
  } else if (!lua_isnil(L, -1)) {
    throw Error(fmt::format(
        "{}dust.command: 'flags' must be a list like {{\"-f\", \"--force\", \"help\"}}", where));
  }
  lua_pop(L, 1);
  if (c.usage.empty())
    c.usage = c.target == shell::TargetKind::None ? c.name : c.name + " [target]";
  if (c.summary.empty()) c.summary = "(drop-in command)";
  return c;
}

// dust.command{name=, usage=, summary=, help=, aliases=, flags=, target=, complete=, run=}
int l_command(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  return guarded(L, [&] {
    std::string where = caller_where(L);
    if (!g_pending)
      throw Error(where + "dust.command may only be called while a command file loads");
    shell::Command c = parse_spec(L, where);
    lua_getfield(L, 1, "run");
    if (!lua_isfunction(L, -1)) {
      lua_pop(L, 1);
      throw Error(fmt::format("{}dust.command '{}': 'run' must be a function", where, c.name));
    }
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    g_pending->push_back({std::move(c), ref, where});
    return 0;
  });
}

// Error messages from handlers: "file:line: message", with a traceback at log level debug.
int message_handler(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
    msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  if (log::level() >= log::Level::Debug)
    luaL_traceback(L, L, msg, 1);
  else
    lua_pushstring(L, msg);
  return 1;
}

// Ctrl-C stops a runaway handler (the SIGINT handler only counts; this hook polls the count).
void interrupt_hook(lua_State* L, lua_Debug*) {
  if (interrupt::pending()) luaL_error(L, "interrupted");
}

void push_args(lua_State* L, const shell::Args& a) {
  lua_createtable(L, 0, 5);
  lua_pushstring(L, a.target.c_str());
  lua_setfield(L, -2, "target");
  lua_pushstring(L, a.rest.c_str());
  lua_setfield(L, -2, "rest");
  lua_createtable(L, static_cast<int>(a.words.size()), 0);
  for (size_t i = 0; i < a.words.size(); ++i) {
    lua_pushstring(L, a.words[i].c_str());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "words");
  lua_createtable(L, 0, static_cast<int>(a.flags.size()));
  for (const auto& f : a.flags) {
    lua_pushboolean(L, 1);
    lua_setfield(L, -2, f.c_str());
  }
  lua_setfield(L, -2, "flags");
}

int run_handler(const std::string& name, int ref, shell::Context& ctx, shell::Args& a) {
  Host& h = host();
  lua_State* L = h.L;
  if (h.ctx) throw Error(fmt::format("{}: drop-in commands cannot run one another", name));
  h.ctx = &ctx;
  h.command = name;
  struct Reset {
    Host& h;
    ~Reset() { h.ctx = nullptr, h.command.clear(); }
  } reset{h};
  int base = lua_gettop(L);
  lua_pushcfunction(L, message_handler);
  lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
  push_args(L, a);
  if (!a.nodes.empty() || !a.target.empty()) {  // the resolved target, as dust.nodes() gives it
    lua_createtable(L, static_cast<int>(a.nodes.size()), 0);
    for (size_t i = 0; i < a.nodes.size(); ++i) {
      push_node(L, ctx, *a.nodes[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    lua_setfield(L, -2, "nodes");
  }
  lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 10000);
  int st = lua_pcall(L, 1, 1, base + 1);
  lua_sethook(L, nullptr, 0, 0);
  int rc = 0;
  if (st != LUA_OK) {
    ctx.out().err(
        fmt::format("{}: {}\n", name, lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error)"));
    rc = 1;
  } else if (lua_isinteger(L, -1)) {
    rc = static_cast<int>(lua_tointeger(L, -1));
  } else if (lua_isboolean(L, -1)) {
    rc = lua_toboolean(L, -1) ? 0 : 1;
  }
  lua_settop(L, base);
  return rc;
}

// Runs one file in an environment of its own (globals fall through to the shared _G), so two files'
// helper functions never clash. Returns the commands it declared; throws with Lua's message.
std::vector<Pending> load_file(lua_State* L, const std::string& path) {
  // The chunk is named by its file name alone: Lua cuts long chunk names to 60 characters from the
  // left, which would hide the name in "file:line: message"; the skip message gives the full path.
  std::string text = util::read_file(path);
  std::string chunk = "@" + fs::path(path).filename().string();
  std::vector<Pending> pending;
  g_pending = &pending;
  int base = lua_gettop(L);
  lua_pushcfunction(L, message_handler);
  int st = luaL_loadbufferx(L, text.data(), text.size(), chunk.c_str(), "t");
  if (st == LUA_OK) {
    lua_newtable(L);  // _ENV = setmetatable({}, {__index = _G})
    lua_newtable(L);
    lua_pushglobaltable(L);
    lua_setfield(L, -2, "__index");
    lua_setmetatable(L, -2);
    lua_setupvalue(L, -2, 1);
    st = lua_pcall(L, 0, 0, base + 1);
  }
  g_pending = nullptr;
  if (st != LUA_OK) {
    std::string msg = lua_tostring(L, -1) ? lua_tostring(L, -1) : "(error)";
    lua_settop(L, base);
    for (auto& p : pending) luaL_unref(L, LUA_REGISTRYINDEX, p.ref);
    throw Error(msg);
  }
  lua_settop(L, base);
  return pending;
}

std::vector<std::string> split_path(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(':', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

std::vector<std::string> command_dirs() {
  std::vector<std::string> dirs;
  if (const char* p = getenv("DUST_COMMANDS_PATH")) {
    dirs = split_path(p);
  } else {
    // Relative to the binary, so an installed tree is relocatable: <prefix>/libexec/dust/dust-core
    // (or a dust-core in <prefix>/bin) reads <prefix>/share/dust/commands. A build tree
    // (CMakeCache.txt beside the binary) reads the checkout's commands/ through the link CMake
    // makes beside the binary, so the shipped examples work before installing.
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
      fs::path bin = fs::path(std::string(exe, static_cast<size_t>(n))).parent_path();
      fs::path prefix = bin.parent_path();
      if (bin.filename() == "dust" && prefix.filename() == "libexec") prefix = prefix.parent_path();
      dirs.push_back(paths::join(prefix, "share/dust/commands"));
      if (paths::exists(paths::join(bin, "CMakeCache.txt")))
        dirs.push_back(paths::join(bin, "commands"));
    }
  }
  dirs.push_back(paths::join(paths::dust_home(), "commands"));
  return dirs;
}

std::vector<std::string> command_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".lua" && e.path().filename().string()[0] != '.')
      out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

int load_commands(shell::CommandTable& table) {
  lua_State* L = host().L;
  std::set<std::string> builtin;
  for (const auto& n : table.names()) builtin.insert(n);
  std::set<std::string> seen_dirs;
  int loaded = 0;
  for (const auto& dir : command_dirs()) {
    std::error_code ec;
    std::string canon = fs::weakly_canonical(dir, ec);
    if (!seen_dirs.insert(ec ? dir : canon).second) continue;
    for (const auto& file : command_files(dir)) {
      std::vector<Pending> pending;
      try {
        pending = load_file(L, file);
      } catch (const Error& e) {
        // Every load problem in one form: "name.lua:line: what (skipped: what, full path)".
        log::error("{} (skipped: the command file {})", e.what(), file);
        continue;
      }
      std::string base = fs::path(file).filename().string();
      if (pending.empty())
        log::warn("{}: declares no command, use dust.command{{...}} (skipped: the command file {})",
                  base, file);
      for (auto& p : pending) {
        std::string clash;
        for (const auto& n : p.cmd.aliases)
          if (builtin.count(n)) clash = n;
        if (builtin.count(p.cmd.name)) clash = p.cmd.name;
        if (!clash.empty()) {
          log::error("{}'{}' is a built-in command (skipped: the drop-in '{}' of {})", p.where,
                     clash, p.cmd.name, file);
          luaL_unref(L, LUA_REGISTRYINDEX, p.ref);
          continue;
        }
        if (table.find(p.cmd.name))
          log::debug("{}: replaces the drop-in '{}' loaded earlier", file, p.cmd.name);
        std::string name = p.cmd.name;
        int ref = p.ref;
        p.cmd.run = [name, ref](shell::Context& ctx, shell::Args& a) {
          return run_handler(name, ref, ctx, a);
        };
        table.add(std::move(p.cmd));
        ++loaded;
      }
    }
  }
  return loaded;
}

void install_command_function(lua_State* L) {
  lua_getglobal(L, "dust");
  lua_pushcfunction(L, l_command);
  lua_setfield(L, -2, "command");
  lua_pop(L, 1);
}

}  // namespace dust::plugins
