// A small HTTP client over libcurl for the AWS Query APIs: one reusable handle per client
// (keep-alive), connect and total timeouts, Ctrl-C aborts a transfer, transport failures become
// dust::Error.
#pragma once
#include <string>
#include <utility>
#include <vector>

typedef void CURL;

namespace dust::cloud {

// The parts of an endpoint URL that signing needs. `host_header` carries the port only when it is
// not the scheme's default, exactly as the Host header will be sent.
struct Url {
  std::string scheme;
  std::string host_header;
  std::string path;  // "/" when the URL has none
};
Url parse_url(const std::string& url);  // throws dust::Error on a malformed URL

struct HttpResponse {
  long status = 0;
  std::string body;
};

class HttpClient {
 public:
  // `service_label` names the endpoint in errors: "cannot reach EC2 endpoint http://…: Connection
  // refused".
  HttpClient(std::string service_label, long connect_timeout_ms, long total_timeout_ms);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Any HTTP status is a response; only transport failures throw (dust::Error, not retried: a
  // refused connection or a timeout should fail fast, and curl itself redials a keep-alive
  // connection that died).
  HttpResponse post(const std::string& url,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body);

 private:
  std::string label_;
  long connect_timeout_ms_;
  long total_timeout_ms_;
  CURL* curl_ = nullptr;
};

}  // namespace dust::cloud
