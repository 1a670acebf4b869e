// Atomic file replacement: readers see the old file or the new one, never a half-written one.
#pragma once
#include <sys/types.h>

#include <string>
#include <string_view>

namespace dust::util {

// Writes content to a temp file in path's directory, fsyncs it, renames it over path and fsyncs
// the directory. The directory must exist. Throws dust::Error naming path on failure; on failure
// the temp file is removed and path is untouched.
void write_file_atomic(const std::string& path, std::string_view content, mode_t mode = 0644);

// Reads a whole file; throws dust::Error naming path if it cannot be read.
std::string read_file(const std::string& path);

}  // namespace dust::util
