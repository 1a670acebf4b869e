// Unix-socket I/O that carries file descriptors (SCM_RIGHTS): a client hands the server its stdin,
// stdout and stderr, so the server's commands read and write the client's own terminal or pipes.
#pragma once
#include <sys/types.h>

#include <string_view>
#include <vector>

namespace dust::server {

// Sends all of `bytes` (blocking socket), the fds attached to the first byte. false on error.
bool send_with_fds(int sock, std::string_view bytes, const std::vector<int>& fds);
// One recvmsg: bytes into buf (up to len), any fds received appended to *fds (close-on-exec).
// Returns what recvmsg returns (0 at EOF, -1 with errno).
ssize_t recv_with_fds(int sock, char* buf, size_t len, std::vector<int>* fds);

}  // namespace dust::server
