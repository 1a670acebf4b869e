// The one Lua 5.4 state of the process, where drop-in commands and the `dust` API live, and the
// live context a running handler reaches through the API. Internal to src/plugins/.
#pragma once
#include <lua.hpp>
#include <string>
#include <vector>

namespace dust::shell {
class Context;
}

namespace dust::plugins {

struct Host {
  lua_State* L = nullptr;
  shell::Context* ctx = nullptr;  // set while a handler runs; the API refuses live calls otherwise
  std::string command;            // the running command (names its state file)
  std::string loading_file;       // the file being loaded (dust.command records it)
};

Host& host();  // creates the state (standard libraries + `dust` table) on first use

// Installs the global `dust` table (nodes, print, log, fold, region, confirm, state, run) and
// routes `print` through dust's output. lua_api.cpp.
void open_api(lua_State* L);

// Adds dust.run (lua_run.cpp): a line through the persistent ssh sessions, waiting for every node.
void open_run(lua_State* L);
// Adds dust.put and dust.get (lua_transfer.cpp): parallel transfers over the same sessions.
void open_transfer(lua_State* L);

// The live context, or a Lua error naming `fn` when no handler is running (e.g. at load time).
shell::Context& live_context(lua_State* L, const char* fn);

// Runs a C++ body for a Lua C function: dust::Error and other exceptions become Lua errors. C++
// objects must not outlive a longjmp, so the error is raised after the try block has unwound.
template <typename F>
int guarded(lua_State* L, F&& body) {
  bool failed = false;
  try {
    return body();
  } catch (const std::exception& e) {
    lua_pushstring(L, e.what());
    failed = true;
  }
  if (failed) return lua_error(L);
  return 0;
}

}  // namespace dust::plugins
