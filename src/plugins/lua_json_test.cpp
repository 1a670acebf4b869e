// Tests of the Lua ↔ JSON conversion and the state store behind dust.state.
#include "plugins/lua_json.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "plugins/state_store.h"
#include "util/error.h"

namespace dust::plugins {
namespace {

nlohmann::json eval(const char* expr) {
  lua_State* L = luaL_newstate();
  luaL_openlibs(L);
  EXPECT_EQ(luaL_dostring(L, (std::string("return ") + expr).c_str()), LUA_OK)
      << lua_tostring(L, -1);
  nlohmann::json j;
  try {
    j = to_json(L, -1);
  } catch (...) {
    lua_close(L);
    throw;
  }
  lua_close(L);
  return j;
}

TEST(LuaJson, ScalarsArraysObjects) {
  EXPECT_EQ(eval("42"), 42);
  EXPECT_TRUE(eval("42").is_number_integer());
  EXPECT_EQ(eval("1.5"), 1.5);
  EXPECT_EQ(eval("'x\\0y'"), std::string("x\0y", 3));
  EXPECT_EQ(eval("true"), true);
  EXPECT_TRUE(eval("nil").is_null());
  EXPECT_EQ(eval("{1, 'two', {3}}"), nlohmann::json::parse(R"([1, "two", [3]])"));
  EXPECT_EQ(eval("{a = 1, [5] = 'x'}"), nlohmann::json::parse(R"({"a": 1, "5": "x"})"));
  EXPECT_EQ(eval("{[2] = 'hole'}"),
            nlohmann::json::parse(R"({"2": "hole"})"));  // not 1..n: an object
  EXPECT_EQ(eval("{}"), nlohmann::json::object());
}

TEST(LuaJson, RefusesWhatJsonCannotHold) {
  EXPECT_THROW(eval("print"), Error);
  EXPECT_THROW(eval("1/0"), Error);
  EXPECT_THROW(eval("(function() local t = {} t.self = t return t end)()"), Error);
  EXPECT_THROW(eval("{[true] = 1}"), Error);
}

TEST(LuaJson, RoundTrip) {
  lua_State* L = luaL_newstate();
  auto j = nlohmann::json::parse(
      R"({"runs": 2, "seen": ["a", "b"], "nested": {"ok": true, "pi": 3.5}})");
  push_json(L, j);
  EXPECT_EQ(to_json(L, -1), j);
  lua_close(L);
}

TEST(StateStore, SetGetEraseAndPersist) {
  auto dir = std::filesystem::temp_directory_path() / ("dust-state-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::string path = (dir / "state" / "cmd.json").string();
  StateStore s(path);
  EXPECT_TRUE(s.get("k").is_null());
  EXPECT_EQ(s.all(), nlohmann::json::object());
  setenv("DUST_HOME", dir.c_str(), 1);  // set() creates $DUST_HOME/state
  s.set("k", 1);
  s.set("list", nlohmann::json::array({1, 2}));
  EXPECT_EQ(StateStore(path).get("k"), 1);  // a fresh store reads the file
  s.set("k", nullptr);
  EXPECT_EQ(StateStore(path).all(), nlohmann::json::parse(R"({"list": [1, 2]})"));
  {
    FILE* f = fopen(path.c_str(), "w");
    fputs("[1,2", f);
    fclose(f);
  }
  EXPECT_THROW(s.get("k"), Error);  // a corrupt file is an error naming it, never silently emptied
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dust::plugins
