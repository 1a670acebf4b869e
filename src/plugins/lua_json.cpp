// Conversion between Lua values and nlohmann::json.
#include "plugins/lua_json.h"

#include <fmt/format.h>

#include <cmath>

#include "util/error.h"

namespace dust::plugins {
namespace {

nlohmann::json convert(lua_State* L, int index, int depth) {
  if (depth > 64) throw Error("value nested too deeply (a table containing itself?)");
  // Each level keeps a key and a value on the Lua stack; C code must grow it explicitly.
  if (!lua_checkstack(L, 4)) throw Error("value nested too deeply");
  index = lua_absindex(L, index);
  switch (lua_type(L, index)) {
    case LUA_TNIL:
      return nullptr;
    case LUA_TBOOLEAN:
      return lua_toboolean(L, index) != 0;
    case LUA_TNUMBER: {
      if (lua_isinteger(L, index)) return static_cast<int64_t>(lua_tointeger(L, index));
      double d = lua_tonumber(L, index);
      if (!std::isfinite(d)) throw Error("cannot store inf or nan");
      return d;
    }
    case LUA_TSTRING: {
      size_t n = 0;
      const char* s = lua_tolstring(L, index, &n);
      return std::string(s, n);
    }
    case LUA_TTABLE: {
      // Count keys and check whether they are exactly 1..n.
      size_t count = 0;
      bool array = true;
      lua_pushnil(L);
      while (lua_next(L, index) != 0) {
        ++count;
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1) array = false;
        lua_pop(L, 1);
      }
      if (array && count > 0 && lua_rawlen(L, index) == count) {
        nlohmann::json a = nlohmann::json::array();
        for (size_t i = 1; i <= count; ++i) {
          lua_rawgeti(L, index, static_cast<lua_Integer>(i));
          a.push_back(convert(L, -1, depth + 1));
          lua_pop(L, 1);
        }
        return a;
      }
      nlohmann::json o = nlohmann::json::object();
      lua_pushnil(L);
      while (lua_next(L, index) != 0) {
        std::string key;
        if (lua_type(L, -2) == LUA_TSTRING)
          key = lua_tostring(L, -2);
        else if (lua_isinteger(L, -2))
          key = std::to_string(lua_tointeger(L, -2));
        else
          throw Error(
              fmt::format("table keys must be strings or integers, not {}", luaL_typename(L, -2)));
        o[key] = convert(L, -1, depth + 1);
        lua_pop(L, 1);
      }
      return o;
    }
    default:
      throw Error(fmt::format("cannot store a {} value", luaL_typename(L, index)));
  }
}

void push(lua_State* L, const nlohmann::json& j, int depth) {
  if (depth > 64 || !lua_checkstack(L, 3)) throw Error("stored value nested too deeply");
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      lua_pushnil(L);
      break;
    case nlohmann::json::value_t::boolean:
      lua_pushboolean(L, j.get<bool>());
      break;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      lua_pushinteger(L, j.get<int64_t>());
      break;
    case nlohmann::json::value_t::number_float:
      lua_pushnumber(L, j.get<double>());
      break;
    case nlohmann::json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      lua_pushlstring(L, s.data(), s.size());
      break;
    }
    case nlohmann::json::value_t::array: {
      lua_createtable(L, static_cast<int>(j.size()), 0);
      lua_Integer i = 1;
      for (const auto& v : j) {
        push(L, v, depth + 1);
        lua_rawseti(L, -2, i++);
      }
      break;
    }
    case nlohmann::json::value_t::object: {
      lua_createtable(L, 0, static_cast<int>(j.size()));
      for (const auto& [k, v] : j.items()) {
        push(L, v, depth + 1);
        lua_setfield(L, -2, k.c_str());
      }
      break;
    }
    default:
      lua_pushnil(L);
      break;
  }
}

}  // namespace

nlohmann::json to_json(lua_State* L, int index) {
  int top = lua_gettop(L);
  try {
    return convert(L, index, 0);
  } catch (...) {
    lua_settop(L, top);  // leave the stack as found when a nested value is refused
    throw;
  }
}

void push_json(lua_State* L, const nlohmann::json& j) { push(L, j, 0); }

}  // namespace dust::plugins
