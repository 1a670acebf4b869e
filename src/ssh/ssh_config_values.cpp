// Value parsers of the ssh_config resolver (ssh_config_values.h).
#include "ssh/ssh_config_values.h"

#include <arpa/inet.h>
#include <openssl/sha.h>
#include <sys/socket.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include "ssh/ssh_config_lex.h"

namespace dust::ssh::cfg {

int parse_flag(const std::string& v) {
  std::string l = lower(v);
  if (l == "yes" || l == "true") return 1;
  if (l == "no" || l == "false") return 0;
  return -1;
}

// convtime: 90, 1m30s, 2h; -1 when malformed.
long convtime(const std::string& s) {
  if (s.empty()) return -1;
  long total = 0;
  const char* p = s.c_str();
  while (*p) {
    char* end = nullptr;
    errno = 0;
    long secs = std::strtol(p, &end, 10);
    if (p == end || errno == ERANGE || secs < 0 || secs > INT_MAX) return -1;
    long mult = 1;
    switch (*end) {
      case '\0':
        break;
      case 's':
      case 'S':
        ++end;
        break;
      case 'm':
      case 'M':
        mult = 60, ++end;
        break;
      case 'h':
      case 'H':
        mult = 3600, ++end;
        break;
      case 'd':
      case 'D':
        mult = 86400, ++end;
        break;
      case 'w':
      case 'W':
        mult = 604800, ++end;
        break;
      default:
        return -1;
    }
    if (secs > INT_MAX / mult) return -1;
    secs *= mult;
    if (total > INT_MAX - secs) return -1;
    total += secs;
    p = end;
  }
  return total;
}

bool parse_int(const std::string& s, long lo, long hi, long* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  long long v = std::strtoll(s.c_str(), &end, 10);
  if (*end || errno == ERANGE || v < lo || v > hi) return false;
  *out = static_cast<long>(v);
  return true;
}

// is_addr / resolve_addr: a numeric address and its canonical spelling, as getaddrinfo with
// AI_NUMERICHOST + getnameinfo give it (inet_aton's short IPv4 forms such as 10.1 included),
// without getaddrinfo's own file and socket use.
std::optional<std::string> numeric_address(const std::string& host) {
  char buf[INET6_ADDRSTRLEN];
  in_addr v4;
  if (!host.empty() && inet_aton(host.c_str(), &v4) != 0)
    return std::string(inet_ntop(AF_INET, &v4, buf, sizeof buf));
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1)
    return std::string(inet_ntop(AF_INET6, &v6, buf, sizeof buf));
  return std::nullopt;
}

bool valid_hostname(const std::string& s) {
  if (!s.empty() && s[0] == '-') return false;
  for (unsigned char c : s)
    if (std::strchr("'`\"$\\;&<>|(){},", c) || std::isspace(c) || std::iscntrl(c)) return false;
  return true;
}

bool valid_ruser(const std::string& s) {
  if (!s.empty() && s[0] == '-') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = s[i];
    if (std::strchr("'`\";&<>|(){}", c)) return false;
    if (std::isspace(c) && i + 1 < s.size() && s[i + 1] == '-') return false;
    if (c == '\\' && i + 1 == s.size()) return false;
  }
  return true;
}

// [user@]host[:port] of one ProxyJump hop (parse_user_host_port); false when malformed.
bool parse_hop(const std::string& hop, std::string* user, std::string* host, int* port) {
  std::string rest = hop;
  if (user) user->clear();
  if (port) *port = -1;
  if (size_t at = rest.rfind('@'); at != std::string::npos) {
    if (user) *user = rest.substr(0, at);
    rest = rest.substr(at + 1);
  }
  std::string h;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    if (close == std::string::npos) return false;
    h = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') return false;
  } else {
    size_t colon = rest.find(':');
    h = rest.substr(0, colon);
    rest = colon == std::string::npos ? "" : rest.substr(colon);
  }
  if (h.empty()) return false;
  if (!rest.empty()) {
    long p;
    if (rest.size() < 2 || !parse_int(rest.substr(1), 1, 65535, &p)) return false;
    if (port) *port = static_cast<int>(p);
  }
  if (host) *host = h;
  return true;
}

// ssh://[user@]host[:port] of ProxyJump and the command line (parse_ssh_uri): 1 = not a URI.
int parse_ssh_uri(const std::string& s, std::string* user, std::string* host, int* port) {
  if (lower(s.substr(0, 6)) != "ssh://") return 1;
  std::string rest = s.substr(6);
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find('/') != std::string::npos) return -1;
  return parse_hop(rest, user, host, port) ? 0 : -1;
}

std::string sha1_hex(const std::string& s) {
  unsigned char md[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(s.data()), s.size(), md);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) out += hex[c >> 4], out += hex[c & 15];
  return out;
}

std::string tilde_expand(const std::string& path, const SshConfigEnv& env) {
  if (path.empty() || path[0] != '~') return path;
  std::string rest = path.substr(1), home, sub;
  if (rest.empty() || rest[0] == '/') {
    home = env.home;
    size_t p = rest.find_first_not_of('/');
    sub = p == std::string::npos ? "" : rest.substr(p);
  } else {
    size_t slash = rest.find('/');
    std::string user = rest.substr(0, slash);
    auto h = env.home_of ? env.home_of(user) : std::nullopt;
    if (!h) throw Fatal{"tilde_expand: No such user " + user};
    home = *h;
    if (slash != std::string::npos) {
      size_t p = rest.find_first_not_of('/', slash);
      sub = p == std::string::npos ? "" : rest.substr(p);
    }
  }
  if (sub.empty()) return home;
  bool slash = home.empty() || home.back() != '/';
  return home + (slash ? "/" : "") + sub;
}

// ~, %-tokens and ${VAR} (tilde_expand_filename + default_client_percent_dollar_expand).
std::string expand(const SshHostConfig& c, const std::string& path, const SshConfigEnv& env) {
  std::string err;
  auto e = percent_expand(tilde_expand(path, env), c.tokens, &err, &env.getenv);
  if (!e) throw Fatal{err};
  return *e;
}

}  // namespace dust::ssh::cfg
