// get -r of a remote directory as one tar stream on one exec channel (no SFTP at all): the node's
// `find -L` walks the tree (following symlinks, skipping loops) and its `tar`
// sends what it lists; dust spools the stream into a local file (Fetch: flow-controlled, the
// receive window grown with the round trip) and, once the whole stream came, extracts it itself
// (tree_extract.h). Replaces a blocking SFTP walk and 3 blocking round trips per file, which served
// the nodes one after another (2,000 small files × 10 nodes at RTT 50 took more than 10 minutes).
#pragma once
#include <string>

namespace dust::transfer {

// The remote side for `path`. A directory: "<ls mode> 0\n" (the mode of the directory itself, ls
// -l's "drwxr-xr-x"), then a tar of what is below it, names starting "./"; exits non-zero when
// find or tar could not read something (their messages on stderr: "Permission denied", "File
// system loop detected") after sending the rest. Anything else: exactly as fetch_command (a file
// comes alone; errors say "no such file or directory", "permission denied").
// Needs GNU find and GNU tar on the node (every EC2 Linux image has them).
std::string tree_command(const std::string& path);

// The remote side of a glob: the matches of `pattern` (one path component with glob characters,
// expanded by the node's sh) in the directory `dir`, as a tar whose names are "./<match>…"; a
// directory among them is walked with `recursive` (find -L), else named on stderr and left out.
// Header "d--------- 0". Errors: "no such directory", "permission denied", "no match".
std::string glob_command(const std::string& dir, const std::string& pattern, bool recursive);

}  // namespace dust::transfer
