// Where drop-in Lua command files are found and how they are loaded into the command table.
#pragma once
#include <lua.hpp>
#include <string>
#include <vector>

#include "model/node.h"

namespace dust::shell {
class CommandTable;
class Context;
}  // namespace dust::shell

namespace dust::plugins {

// Searched in order, later directories overriding earlier ones for the same command name:
//   $DUST_COMMANDS_PATH (colon-separated) if set, else <prefix>/share/dust/commands (next to the
//   binary's bin/) and, when the binary runs from a build tree, the checkout's commands/;
//   then $DUST_HOME/commands.
std::vector<std::string> command_dirs();
std::vector<std::string> command_files(const std::string& dir);  // *.lua, sorted

// Loads every file; registers their commands after the built-ins (a drop-in never replaces a
// built-in). Broken files are logged by name and skipped. Returns the number of commands added.
int load_commands(shell::CommandTable& table);

// Adds dust.command to the `dust` table (the loader owns registration).
void install_command_function(lua_State* L);

// Pushes the Lua table for a node (fields of docs/lua.md).
void push_node(lua_State* L, shell::Context& ctx, const Node& n);

}  // namespace dust::plugins
