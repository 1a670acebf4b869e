// Fuzzes the JSON a drop-in command's state file holds, as Lua reads it (plugins/lua_json): any
// JSON object becomes a Lua value or a dust::Error; the Lua stack is left as found; what Lua got
// converts back.
#include <cstddef>
#include <cstdint>
#include <lua.hpp>
#include <nlohmann/json.hpp>

#include "plugins/lua_json.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return 0;  // StateStore refuses these with a message
  lua_State* L = luaL_newstate();
  try {
    dust::plugins::push_json(L, j);
    if (lua_gettop(L) != 1) __builtin_trap();
    dust::plugins::to_json(L, -1);
  } catch (const dust::Error&) {
  }
  lua_close(L);
  return 0;
}
