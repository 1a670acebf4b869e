// dust.put / dust.get for drop-in commands: the same parallel transfers as `put` and `get`,
// over each node's persistent session. Per-node result lines are printed as those commands print
// them; the call returns the number of nodes that failed (0 = all succeeded).

#include "plugins/lua_host.h"
#include "shell/context.h"
#include "shell/transfer_run.h"
#include "transfer/get_job.h"
#include "transfer/put_job.h"
#include "util/error.h"

namespace dust::plugins {
namespace {

bool opt_flag(lua_State* L, int index, const char* key) {
  if (!lua_istable(L, index)) return false;
  lua_getfield(L, index, key);
  bool v = lua_toboolean(L, -1) != 0;
  lua_pop(L, 1);
  return v;
}

// dust.put(target, local or {locals...}, [remote_dir], [{recursive=true}]) → failed node count
int l_put(lua_State* L) {
  const char* target = luaL_checkstring(L, 1);
  if (!lua_istable(L, 2)) luaL_checkstring(L, 2);
  const char* remote = luaL_optstring(L, 3, "");
  bool recursive = opt_flag(L, 4, "recursive");
  shell::Context& ctx = live_context(L, "put");
  return guarded(L, [&] {
    std::vector<std::string> locals;
    if (lua_istable(L, 2)) {
      for (lua_Integer i = 1; lua_rawgeti(L, 2, i) == LUA_TSTRING; ++i) {
        locals.emplace_back(lua_tostring(L, -1));
        lua_pop(L, 1);
      }
      lua_pop(L, 1);
    } else {
      locals.emplace_back(lua_tostring(L, 2));
    }
    if (locals.empty()) throw Error("dust.put: no local files given");
    auto files = transfer::expand_local(locals, recursive);
    auto nodes = ctx.select_running(target);
    transfer::PutJob job(std::move(files), remote);
    lua_pushinteger(L, shell::run_transfer(ctx, nodes, job, false));
    return 1;
  });
}

// dust.get(target, remote_path, [local_dir], [{recursive=true, force=true}]) → failed node count
int l_get(lua_State* L) {
  const char* target = luaL_checkstring(L, 1);
  const char* remote = luaL_checkstring(L, 2);
  const char* local = luaL_optstring(L, 3, ".");
  bool recursive = opt_flag(L, 4, "recursive"), force = opt_flag(L, 4, "force");
  shell::Context& ctx = live_context(L, "get");
  return guarded(L, [&] {
    auto nodes = ctx.select_running(target);
    transfer::GetJob job(remote, local, recursive, force);
    lua_pushinteger(L, shell::run_transfer(ctx, nodes, job, false));
    return 1;
  });
}

}  // namespace

void open_transfer(lua_State* L) {
  lua_getglobal(L, "dust");
  lua_pushcfunction(L, l_put);
  lua_setfield(L, -2, "put");
  lua_pushcfunction(L, l_get);
  lua_setfield(L, -2, "get");
  lua_pop(L, 1);
}

}  // namespace dust::plugins
