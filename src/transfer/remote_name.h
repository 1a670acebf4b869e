// Names from outside before they become local paths: a name in a node's tar stream (get -r and
// globs, tree_fetch.h: the node chooses it) and a node's label (its Name tag, which anyone with
// ec2:CreateTags sets). Pure.
#pragma once
#include <string>
#include <string_view>

namespace dust::transfer {

// Why `name`, one component of a name a node sent, cannot be a file name below the local directory,
// or "" when it can: one path component, so never empty, '.', '..' or containing '/'; at most 255
// bytes (NAME_MAX). Other bytes (spaces, control characters, non-UTF-8) are legal in a Linux file
// name and kept: the copy is faithful.
std::string unsafe_name_reason(std::string_view name);

// The folder of one node below get's local directory: its label when that is a safe name (above)
// made of printable characters, else `fallback` (the instance id). A Name tag such as "..",
// "a/../../b", "/x", "" or one with escape sequences (shown escaped, with a backslash) never
// becomes a path.
std::string node_dir_name(std::string_view label, std::string_view fallback);

// A remote path as put's and get's remote commands take it, which start in the login directory:
// `~` is that directory itself (""), `~/x` is `x`; any other path is kept (`~user` too: the
// remote shell never sees an unquoted `~`).
std::string login_relative(const std::string& path);

// `name` for a message: in double quotes, with '"', '\\', control bytes and DEL escaped (\n, \t,
// \x1b…), so a hostile name cannot reach the terminal raw nor hide what it is.
std::string quote_name(std::string_view name);

}  // namespace dust::transfer
