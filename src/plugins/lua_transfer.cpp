// dust.put / dust.get for drop-in commands: the same parallel SFTP transfers as `put` and `get`, over
// each node's persistent session. Per-node result lines are printed as those commands print them; the
// call returns the number of nodes that failed (0 = all succeeded).
#include <fmt/format.h>
#include <unistd.h>

#include "plugins/lua_host.h"
#include "shell/commands/at.h"
#include "shell/context.h"
#include "transfer/engine.h"
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

// Running nodes of the target; the others are reported the way `put`/`get` report them.
std::vector<const Node*> running_nodes(shell::Context& ctx, const std::string& target) {
  std::vector<const Node*> out;
  for (const Node* n : ctx.select(target))
    if (n->state == "running") out.push_back(n);
    else ctx.out().err(fmt::format("[{}] skipped: not running ({})\n", n->label(), n->state));
  if (out.empty()) throw Error(fmt::format("no running node matches '{}'", target));
  return out;
}

int transfer_and_count(shell::Context& ctx, const std::vector<const Node*>& nodes, transfer::Job& job) {
  transfer::RunOptions opt;
  opt.progress = false;  // a handler's output should stay line-oriented
  opt.out = [&](const std::string& s) { ctx.out().out(s); };
  opt.err = [&](const std::string& s) { ctx.out().err(s); };
  return transfer::run(shell::ssh_pool(ctx), shell::endpoints_for(ctx, nodes), job, opt);
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
    auto nodes = running_nodes(ctx, target);
    transfer::PutJob job(std::move(files), remote);
    lua_pushinteger(L, transfer_and_count(ctx, nodes, job));
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
    auto nodes = running_nodes(ctx, target);
    transfer::GetJob job(remote, local, recursive, force);
    lua_pushinteger(L, transfer_and_count(ctx, nodes, job));
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
