// Reaching this DUST_HOME's running server (rendezvous.h): all a client needs, nothing of the
// server itself, so that dust's front links none of it (front_main.cpp).
#pragma once
#include <sys/un.h>

#include <string>

namespace dust::server {

// A connected socket to the running server (blocking), or -1 when none runs (no socket, or a
// stale one nobody listens on). *err is set when something else is wrong (a directory that is not
// ours).
int connect_server(std::string* err);

// `path` as a unix socket's address; false with *err when it does not fit.
bool socket_address(const std::string& path, sockaddr_un* a, std::string* err);

}  // namespace dust::server
