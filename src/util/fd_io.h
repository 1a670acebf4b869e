// Writing a whole buffer to a file descriptor, the one loop every writer of dust uses.
#pragma once
#include <string_view>

namespace dust::util {

// Writes all of `bytes`, retrying on EINTR and waiting (poll) while a non-blocking fd is full.
// false on any other error, with errno set (a closed pipe, a full disk): the rest is not written.
bool write_all(int fd, std::string_view bytes);

// write_all to stdout that remembers the first error (stdout_error): output lost to a full disk
// or a dead device must not end in success.
bool write_stdout(std::string_view bytes);
// The first error writing to stdout, here or in its stdio buffer (flushed now): 0 when none.
int stdout_error();
// A one-shot's or a script's exit status once stdout is checked: when output was lost, says so
// on stderr and makes a status of 0 into 1.
int exit_status_with_stdout(int status);

// A closed stdin, stdout or stderr (`dust 0<&-`) becomes /dev/null, so that no file dust opens (the
// interrupt pipe, a socket) takes its number and is read or written as if it were one. false when
// that cannot be done (exit 125). Both binaries call it first.
bool fill_standard_fds();

}  // namespace dust::util
