// Writing a whole buffer to a file descriptor, the one loop every writer of dust uses.
#pragma once
#include <string_view>

namespace dust::util {

// Writes all of `bytes`, retrying on EINTR and waiting (poll) while a non-blocking fd is full.
// false on any other error, with errno set (a closed pipe, a full disk): the rest is not written.
bool write_all(int fd, std::string_view bytes);

}  // namespace dust::util
