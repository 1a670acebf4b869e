// Lua values ↔ JSON, for the persistent state of drop-in commands. A table whose keys are exactly
// 1..n is an array; any other table is an object (number keys become strings); {} is an object.
#pragma once
#include <lua.hpp>
#include <nlohmann/json.hpp>

namespace dust::plugins {

// The value at `index`. Throws dust::Error for functions, userdata, threads, nested tables deeper
// than 64 (a cycle) and non-finite numbers — things JSON cannot hold.
nlohmann::json to_json(lua_State* L, int index);
void push_json(lua_State* L, const nlohmann::json& j);

}  // namespace dust::plugins
