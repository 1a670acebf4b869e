// SigV4 signing: canonical request, string to sign, derived key, Authorization header.
#include "cloud/sigv4.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "util/error.h"

namespace dust::cloud::sigv4 {

std::string amz_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

namespace {
// OpenSSL fails these only when it cannot start at all (an OPENSSL_CONF naming a provider that is
// not there): said as that, not as AWS refusing a signature made of uninitialised bytes.
[[noreturn]] void openssl_failed(const char* what) {
  char why[256] = "";
  ERR_error_string_n(ERR_get_error(), why, sizeof why);
  throw Error(fmt::format("OpenSSL cannot compute {} ({}): check OPENSSL_CONF", what, why));
}
}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  if (!SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md))
    openssl_failed("SHA-256");
  return hex(std::string_view(reinterpret_cast<const char*>(md), sizeof md));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &len))
    openssl_failed("HMAC-SHA-256");
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service) {
  std::string k = hmac_sha256("AWS4" + std::string(secret), date);
  k = hmac_sha256(k, region);
  k = hmac_sha256(k, service);
  return hmac_sha256(k, "aws4_request");
}

std::string uri_encode(std::string_view s) {
  static const char* digits = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() + s.size() / 4);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(digits[c >> 4]);
      out.push_back(digits[c & 15]);
    }
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string_view, std::string_view>> params;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (item.empty()) continue;
    size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      params.emplace_back(item, std::string_view());
    else
      params.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(k).push_back('=');
    out.append(v);
  }
  return out;
}

namespace {

// Header values are trimmed and inner runs of spaces collapsed, as the spec requires.
std::string canonical_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string canonical_request(const Request& r, const Headers& all_headers,
                              std::string* signed_headers) {
  // std::map sorts by lower-case name; repeated headers join with commas in order of appearance.
  std::map<std::string, std::string> canon;
  for (const auto& [name, value] : all_headers) {
    std::string& slot = canon[lower(name)];
    if (!slot.empty()) slot.push_back(',');
    slot += canonical_value(value);
  }
  std::string out =
      r.method + "\n" + (r.path.empty() ? "/" : r.path) + "\n" + canonical_query(r.query) + "\n";
  std::string names;
  for (const auto& [name, value] : canon) {
    out += name + ":" + value + "\n";
    if (!names.empty()) names.push_back(';');
    names += name;
  }
  out += "\n" + names + "\n" + sha256_hex(r.body);
  if (signed_headers) *signed_headers = names;
  return out;
}

Signed sign(const Request& r, const Key& k, std::time_t now) {
  Signed s;
  s.amz_date = amz_date(now);
  const std::string date = s.amz_date.substr(0, 8);
  const std::string scope = date + "/" + k.region + "/" + k.service + "/aws4_request";

  Headers all = r.headers;
  all.emplace_back("Host", r.host);
  all.emplace_back("X-Amz-Date", s.amz_date);
  // The session token is signed too (botocore does the same); STS credentials fail without it.
  if (!k.session_token.empty()) all.emplace_back("X-Amz-Security-Token", k.session_token);

  std::string signed_headers;
  s.canonical_request = canonical_request(r, all, &signed_headers);
  s.string_to_sign =
      "AWS4-HMAC-SHA256\n" + s.amz_date + "\n" + scope + "\n" + sha256_hex(s.canonical_request);
  s.signature =
      hex(hmac_sha256(signing_key(k.secret_key, date, k.region, k.service), s.string_to_sign));
  s.authorization = "AWS4-HMAC-SHA256 Credential=" + k.access_key + "/" + scope +
                    ", SignedHeaders=" + signed_headers + ", Signature=" + s.signature;

  s.headers_to_send.emplace_back("X-Amz-Date", s.amz_date);
  if (!k.session_token.empty())
    s.headers_to_send.emplace_back("X-Amz-Security-Token", k.session_token);
  s.headers_to_send.emplace_back("Authorization", s.authorization);
  return s;
}

}  // namespace dust::cloud::sigv4
