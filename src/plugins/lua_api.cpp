// The `dust` table drop-in commands call: live nodes, output, logging, folding, confirmation and a
// persistent key/value store. Every function checks its Lua arguments before building C++ values,
// and C++ exceptions become Lua errors (see guarded()).
#include <fmt/format.h>

#include "plugins/lua_host.h"
#include "plugins/lua_json.h"
#include "plugins/lua_loader.h"
#include "plugins/state_store.h"
#include "select/target.h"
#include "shell/context.h"
#include "shell/node_table.h"
#include "ssh/endpoint.h"
#include "ssh/login.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/log.h"

namespace dust::plugins {

Host& host() {
  static Host* h = [] {
    auto* x = new Host;  // lives for the process: handlers are in the command table until exit
    x->L = luaL_newstate();
    if (!x->L) throw Error("cannot create the Lua state (out of memory)");
    luaL_openlibs(x->L);
    open_api(x->L);
    install_command_function(x->L);
    open_run(x->L);
    open_transfer(x->L);
    return x;
  }();
  return *h;
}

shell::Context& live_context(lua_State* L, const char* fn) {
  Host& h = host();
  if (!h.ctx)
    luaL_error(L, "dust.%s is only available while a command runs (not at load time)", fn);
  return *h.ctx;
}

void push_node(lua_State* L, shell::Context& ctx, const Node& n) {
  lua_createtable(L, 0, 24);
  auto set = [L](const char* k, const std::string& v) {
    lua_pushlstring(L, v.data(), v.size());
    lua_setfield(L, -2, k);
  };
  for (const char* key : {"name", "id", "state", "type", "image", "key", "ip", "int_ip", "dns",
                          "private_dns", "vpc", "subnet", "az", "launch_time", "cluster"}) {
    std::string v;
    if (select::property(n, key, &v)) set(key, v);
  }
  set("label", n.label());
  // How dust's ssh reaches it: the address, user and port an inventory or a script should use,
  // resolved as a session does (node, then the ssh config, then config.yaml's default).
  ssh::Options o;
  o.address = ctx.config().ssh_address;
  o.ssh_config = ctx.config().ssh_config;
  o.default_user = ctx.config().ssh_user;
  ssh::Endpoint ep = ssh::endpoint_for(n, o);
  set("address", ep.host);
  set("user", ssh::login_user(ep, o));
  lua_pushinteger(L, ssh::login_port(ep, o));
  lua_setfield(L, -2, "port");
  lua_createtable(L, 0, static_cast<int>(n.tags.size()));
  for (const auto& [k, v] : n.tags) {
    lua_pushlstring(L, v.data(), v.size());
    lua_setfield(L, -2, k.c_str());
  }
  lua_setfield(L, -2, "tags");
  lua_createtable(L, static_cast<int>(n.groups.size()), 0);
  for (size_t i = 0; i < n.groups.size(); ++i) {
    lua_pushstring(L, n.groups[i].c_str());
    lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
  }
  lua_setfield(L, -2, "groups");
}

namespace {

// dust.nodes([target]) → array of node tables, in inventory order.
int l_nodes(lua_State* L) {
  const char* target = luaL_optstring(L, 1, "");
  shell::Context& ctx = live_context(L, "nodes");
  return guarded(L, [&] {
    auto nodes = ctx.select(target);
    lua_createtable(L, static_cast<int>(nodes.size()), 0);
    for (size_t i = 0; i < nodes.size(); ++i) {
      push_node(L, ctx, *nodes[i]);
      lua_rawseti(L, -2, static_cast<lua_Integer>(i + 1));
    }
    return 1;
  });
}

// Joins the arguments like Lua's print: tostring each, tab-separated.
const char* joined(lua_State* L) {
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; ++i) {
    if (i > 1) luaL_addchar(&b, '\t');
    luaL_tolstring(L, i, nullptr);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  return lua_tostring(L, -1);
}

// dust.print(...) and print(...): through dust's printer, so the REPL's typed line stays intact.
int l_print(lua_State* L) {
  const char* text = joined(L);
  Host& h = host();
  return guarded(L, [&] {
    std::string line = std::string(text) + "\n";
    if (h.ctx)
      h.ctx->out().out(line);
    else
      fputs(line.c_str(), stdout);  // at load time (debugging a command file)
    return 0;
  });
}

// dust.log(...): an info line in dust's log format, prefixed by the command name.
int l_log(lua_State* L) {
  const char* text = joined(L);
  return guarded(L, [&] {
    const std::string& cmd = host().command;
    log::info("{}{}", cmd.empty() ? "" : cmd + ": ", text);
    return 0;
  });
}

// dust.fold({names}) → "master,worker[0-4]".
int l_fold(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  return guarded(L, [&] {
    std::vector<std::string> names;
    for (lua_Integer i = 1; lua_rawgeti(L, 1, i) != LUA_TNIL; ++i) {
      if (const char* s = lua_tostring(L, -1)) names.emplace_back(s);
      lua_pop(L, 1);
    }
    lua_pop(L, 1);
    std::string f = fold_names(std::move(names));
    lua_pushstring(L, f.c_str());
    return 1;
  });
}

int l_region(lua_State* L) {
  shell::Context& ctx = live_context(L, "region");
  return guarded(L, [&] {
    lua_pushstring(L, ctx.region().c_str());
    return 1;
  });
}

// dust.confirm(question) → boolean; --yes answers yes, EOF no.
int l_confirm(lua_State* L) {
  const char* q = luaL_checkstring(L, 1);
  shell::Context& ctx = live_context(L, "confirm");
  return guarded(L, [&] {
    lua_pushboolean(L, ctx.terminal().confirm(q));
    return 1;
  });
}

// dust.state.get(key) / .set(key, value) / .all(): $DUST_HOME/state/<command>.json.
const std::string& state_owner(lua_State* L, const char* fn) {
  live_context(L, fn);
  return host().command;
}

int l_state_get(lua_State* L) {
  const char* key = luaL_checkstring(L, 1);
  const std::string& cmd = state_owner(L, "state.get");
  return guarded(L, [&] {
    push_json(L, StateStore(StateStore::path_for(cmd)).get(key));
    return 1;
  });
}

int l_state_set(lua_State* L) {
  const char* key = luaL_checkstring(L, 1);
  luaL_checkany(L, 2);
  const std::string& cmd = state_owner(L, "state.set");
  return guarded(L, [&] {
    StateStore(StateStore::path_for(cmd)).set(key, to_json(L, 2));
    return 0;
  });
}

int l_state_all(lua_State* L) {
  const std::string& cmd = state_owner(L, "state.all");
  return guarded(L, [&] {
    push_json(L, StateStore(StateStore::path_for(cmd)).all());
    return 1;
  });
}

}  // namespace

void open_api(lua_State* L) {
  static const luaL_Reg dust[] = {{"nodes", l_nodes}, {"print", l_print},   {"log", l_log},
                                  {"fold", l_fold},   {"region", l_region}, {"confirm", l_confirm},
                                  {nullptr, nullptr}};
  static const luaL_Reg state[] = {
      {"get", l_state_get}, {"set", l_state_set}, {"all", l_state_all}, {nullptr, nullptr}};
  luaL_newlib(L, dust);
  luaL_newlib(L, state);
  lua_setfield(L, -2, "state");
  lua_pushstring(L, DUST_VERSION);
  lua_setfield(L, -2, "version");
  lua_setglobal(L, "dust");
  lua_pushcfunction(L, l_print);
  lua_setglobal(L, "print");
}

}  // namespace dust::plugins
