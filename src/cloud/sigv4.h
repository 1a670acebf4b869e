// AWS Signature Version 4 as pure functions: the time is passed in, nothing here does I/O.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv4-create-signed-request.html
#pragma once
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dust::cloud::sigv4 {

using Headers = std::vector<std::pair<std::string, std::string>>;

// What is signed. `host` is exactly the Host header that will be sent
// ("ec2.us-east-1.amazonaws.com", "127.0.0.1:5000"); `path` is already URI-encoded; `query` is the
// raw, already-encoded query string.
struct Request {
  std::string method = "POST";
  std::string host;
  std::string path = "/";
  std::string query;
  Headers headers;  // further headers to sign and send (e.g. Content-Type); Host/X-Amz-* are added
  std::string body;
};

struct Key {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // empty = none
  std::string region;
  std::string service;  // "ec2", "cloudformation", ...
};

struct Signed {
  std::string amz_date;  // 20150830T123600Z
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // hex
  std::string authorization;  // the Authorization header value
  Headers headers_to_send;    // X-Amz-Date, [X-Amz-Security-Token], Authorization
};

// Building blocks, exposed for tests.
std::string amz_date(std::time_t t);  // YYYYMMDDTHHMMSSZ, UTC
std::string hex(std::string_view bytes);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
std::string signing_key(std::string_view secret, std::string_view date, std::string_view region,
                        std::string_view service);  // raw bytes
// RFC 3986 encoding as SigV4 wants it: unreserved A-Z a-z 0-9 - _ . ~ kept, the rest %XX (upper
// case).
std::string uri_encode(std::string_view s);
std::string canonical_query(std::string_view query);  // sorted by key, then value
std::string canonical_request(const Request& r, const Headers& all_headers,
                              std::string* signed_headers);

Signed sign(const Request& r, const Key& k, std::time_t now);

}  // namespace dust::cloud::sigv4
