// Local source address towards a host, via connect() on a UDP socket (no packet is sent).
#include "util/source_addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace dust::util {

std::string url_host(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  size_t end = url.find_first_of("/?#", start);
  std::string authority =
      url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  if (size_t at = authority.rfind('@'); at != std::string::npos)
    authority = authority.substr(at + 1);
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    return authority.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  }
  return authority.substr(0, authority.find(':'));
}

std::string source_address_towards(const std::string& host, std::string* err) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* res = nullptr;
  if (int rc = getaddrinfo(host.c_str(), "443", &hints, &res); rc != 0) {
    *err = "cannot resolve " + host + ": " + gai_strerror(rc);
    return "";
  }
  std::string out;
  for (addrinfo* ai = res; ai && out.empty(); ai = ai->ai_next) {
    int fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    // connect() on UDP only picks the route and source address; nothing goes on the wire.
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      sockaddr_storage local{};
      socklen_t len = sizeof local;
      char buf[INET6_ADDRSTRLEN] = {};
      if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0) {
        const void* a =
            local.ss_family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(&local)->sin_addr)
                : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(&local)->sin6_addr);
        if (inet_ntop(local.ss_family, a, buf, sizeof buf)) out = buf;
      }
    } else {
      *err = std::string("no route to ") + host + ": " + strerror(errno);
    }
    close(fd);
  }
  freeaddrinfo(res);
  if (!out.empty())
    err->clear();
  else if (err->empty())
    *err = "no usable address for " + host;
  return out;
}

bool is_private_address(const std::string& addr) {
  in_addr a4{};
  if (inet_pton(AF_INET, addr.c_str(), &a4) == 1) {
    uint32_t h = ntohl(a4.s_addr);
    auto in = [h](uint32_t net, int len) { return (h >> (32 - len)) == (net >> (32 - len)); };
    return in(0x7f000000, 8) || in(0x0a000000, 8) || in(0xac100000, 12) || in(0xc0a80000, 16) ||
           in(0x64400000, 10) || in(0xa9fe0000, 16);
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, addr.c_str(), &a6) == 1)
    return IN6_IS_ADDR_LOOPBACK(&a6) || IN6_IS_ADDR_LINKLOCAL(&a6) ||
           (a6.s6_addr[0] & 0xfe) == 0xfc;
  return false;
}

}  // namespace dust::util
