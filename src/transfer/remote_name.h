// Names from outside before they become local paths: an entry of an SFTP directory listing (the
// server chooses it) and a node's label (its Name tag, which anyone with ec2:CreateTags sets).
// Pure.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dust::transfer {

// Why `name`, listed in a remote directory, cannot be a file name below the local directory, or ""
// when it can: one path component, so never empty, '.', '..' or containing '/'; at most 255 bytes
// (NAME_MAX). Other bytes (spaces, control characters, non-UTF-8) are legal in a Linux file name
// and kept: the copy is faithful.
std::string unsafe_name_reason(std::string_view name);

// The folder of one node below get's local directory: its label when that is a safe name (above)
// made of printable characters, else `fallback` (the instance id). A Name tag such as "..",
// "a/../../b", "/x", "" or one with escape sequences (shown escaped, with a backslash) never
// becomes a path.
std::string node_dir_name(std::string_view label, std::string_view fallback);

// `name` for a message: in double quotes, with '"', '\\', control bytes and DEL escaped (\n, \t,
// \x1b…), so a hostile name cannot reach the terminal raw nor hide what it is.
std::string quote_name(std::string_view name);

// One directory listing checked: the names to walk, the refusals ("\"../x\": not one path
// component") for the others; '.' and '..' (every server lists them) are dropped without a word; a
// name listed twice is refused the second time.
struct CheckedListing {
  std::vector<size_t> accepted;  // indices into the listing, in listing order
  std::vector<std::string> refused;
};
CheckedListing check_listing(const std::vector<std::string>& names);

// True if following a link to the directory whose real path is `target` leads back to a directory
// being walked: `target` is one of `branch` (the real paths from the walk's root down to here) or
// contains one of them. Real paths are absolute and normalised (the server's REALPATH answer).
bool leads_back(std::string_view target, const std::vector<std::string>& branch);

}  // namespace dust::transfer
