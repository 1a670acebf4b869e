// AWS Query protocol: encoding, signing, error mapping and retries.
#include "cloud/query.h"

#include <chrono>
#include <ctime>
#include <random>
#include <thread>

#include "cloud/sigv4.h"
#include "util/interrupt.h"
#include "util/log.h"

namespace dust::cloud {

void add_list(Params& p, const std::string& prefix, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i)
    p.emplace_back(prefix + "." + std::to_string(i + 1), values[i]);
}

namespace {

// application/x-www-form-urlencoded as botocore writes it (Python's urlencode): RFC 3986 escaping
// but space as '+'. AWS hashes whatever bytes arrive, but moto's auth mode re-encodes the parsed
// form the Python way before checking the signature, so any other spelling of a space fails there.
std::string form_escape(const std::string& s) {
  std::string out = sigv4::uri_encode(s);
  std::string plus;
  plus.reserve(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if (out.compare(i, 3, "%20") == 0) {
      plus.push_back('+');
      i += 2;
    } else {
      plus.push_back(out[i]);
    }
  }
  return plus;
}

}  // namespace

std::string form_encode(const Params& p) {
  std::string out;
  for (const auto& [k, v] : p) {
    if (!out.empty()) out.push_back('&');
    out += form_escape(k);
    out.push_back('=');
    out += form_escape(v);
  }
  return out;
}

std::optional<ErrorDoc> parse_error(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return std::nullopt;
  pugi::xml_node root = doc.document_element();
  pugi::xml_node err = root.child("Errors").child("Error");
  if (!err) err = root.child("Error");
  if (!err && std::string_view(root.name()) == "Error") err = root;  // bare <Error> (S3 style)
  if (!err || !err.child("Code")) return std::nullopt;
  return ErrorDoc{err.child_value("Code"), err.child_value("Message")};
}

AwsError make_aws_error(const ErrorDoc& e, int http_status, const std::string& action) {
  const std::string& c = e.code;
  std::string hint;
  if (c == "AuthFailure" || c == "SignatureDoesNotMatch" || c == "InvalidClientTokenId" ||
      c == "IncompleteSignature" || c == "UnrecognizedClientException" ||
      c == "InvalidAccessKeyId" || c == "MissingAuthenticationToken") {
    hint = "check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the profile in ~/.aws/credentials";
  } else if (c == "RequestExpired" || c == "ExpiredToken" || c == "ExpiredTokenException") {
    hint = c == "RequestExpired" ? "check this machine's clock"
                                 : "the session token has expired; renew it";
  } else if (c == "UnauthorizedOperation" || c == "AccessDenied" || c == "AccessDeniedException") {
    hint = "the credentials are valid but lack the IAM permission for " + action;
  } else if (c == "InvalidInstanceID.NotFound") {
    hint = "no such instance in this region; it may have been terminated — try `refresh`";
  } else if (c == "InvalidInstanceID.Malformed") {
    hint = "instance ids look like i-0123456789abcdef0";
  } else if (c == "OptInRequired") {
    hint = "the account is not subscribed to this service or region";
  }
  std::string msg = "AWS error " + c + ": " + (e.message.empty() ? "(no message)" : e.message);
  if (!hint.empty()) msg += " (" + hint + ")";
  return AwsError(c, http_status, msg);
}

bool is_retryable(int http_status, const std::string& code) {
  static const char* const kThrottle[] = {"RequestLimitExceeded",
                                          "Throttling",
                                          "ThrottlingException",
                                          "ThrottledException",
                                          "RequestThrottled",
                                          "TooManyRequestsException",
                                          "SlowDown",
                                          "RequestThrottledException",
                                          "InternalError",
                                          "InternalFailure",
                                          "ServiceUnavailable",
                                          "Unavailable"};
  for (const char* t : kThrottle)
    if (code == t) return true;
  return http_status == 429 || (http_status >= 500 && http_status <= 599);
}

long backoff_ms(int attempt, double rand01) {
  // "Equal jitter": half the exponential step is fixed, half random, so clients that were throttled
  // together spread out, yet nobody retries immediately. 250 ms doubling, capped at 20 s.
  long step = 500L << std::min(attempt, 6);
  step = std::min(step, 20000L);
  return step / 2 + static_cast<long>(rand01 * static_cast<double>(step / 2));
}

QueryClient::QueryClient(const AwsConfig& cfg, std::string service, std::string label,
                         std::string version, std::string region,
                         const std::string& endpoint_override)
    : creds_(cfg.creds),
      service_(std::move(service)),
      label_(std::move(label)),
      version_(std::move(version)),
      region_(std::move(region)),
      endpoint_(endpoint_for(endpoint_override, service_, region_)),
      url_(parse_url(endpoint_)),
      http_(label_, cfg.connect_timeout_ms, cfg.request_timeout_ms) {
  // An endpoint override (moto, a VPC endpoint) still needs a region in the signature scope.
  if (region_.empty()) region_ = "us-east-1";
}

namespace {

void sleep_interruptibly(long ms, const std::string& label) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
  while (std::chrono::steady_clock::now() < until) {
    if (interrupt::pending()) throw Error(label + " request interrupted");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

std::unique_ptr<XmlResponse> QueryClient::call(const std::string& action, const Params& params) {
  Params all{{"Action", action}, {"Version", version_}};
  all.insert(all.end(), params.begin(), params.end());
  sigv4::Request req;
  req.method = "POST";
  req.host = url_.host_header;
  req.path = url_.path;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  req.body = form_encode(all);
  const sigv4::Key key{creds_.access_key, creds_.secret_key, creds_.session_token, region_,
                       service_};
  static thread_local std::mt19937 rng{std::random_device{}()};

  for (int attempt = 0;; ++attempt) {
    // Signed afresh each attempt: the signature covers the time.
    sigv4::Signed s = sigv4::sign(req, key, std::time(nullptr));
    sigv4::Headers headers = req.headers;
    headers.emplace_back("Host", req.host);
    headers.insert(headers.end(), s.headers_to_send.begin(), s.headers_to_send.end());
    log::debug("{} {} → {} ({} bytes)", label_, action, endpoint_, req.body.size());
    auto t0 = std::chrono::steady_clock::now();
    HttpResponse r = http_.post(endpoint_, headers, req.body);
    log::debug(
        "{} {} ← HTTP {} ({} bytes, {} ms)", label_, action, r.status, r.body.size(),
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count());

    if (r.status >= 200 && r.status < 300) {
      auto out = std::make_unique<XmlResponse>();
      out->body = std::move(r.body);
      pugi::xml_parse_result ok = out->doc.load_buffer_inplace(out->body.data(), out->body.size());
      if (!ok)
        throw Error(label_ + " " + action + ": unreadable XML response: " + ok.description());
      return out;
    }

    std::optional<ErrorDoc> err = parse_error(r.body);
    const std::string code = err ? err->code : "";
    if (is_retryable(static_cast<int>(r.status), code) && attempt + 1 < max_attempts) {
      long wait = backoff_ms(attempt, std::uniform_real_distribution<double>(0, 1)(rng));
      log::debug("{} {}: {} (HTTP {}), retrying in {} ms", label_, action,
                 code.empty() ? "error" : code, r.status, wait);
      sleep_interruptibly(wait, label_);
      continue;
    }
    if (err) throw make_aws_error(*err, static_cast<int>(r.status), action);
    std::string snippet = r.body.substr(0, 200);
    throw AwsError("HTTP" + std::to_string(r.status), static_cast<int>(r.status),
                   label_ + " " + action + " failed: HTTP " + std::to_string(r.status) +
                       (snippet.empty() ? "" : ": " + snippet));
  }
}

}  // namespace dust::cloud
