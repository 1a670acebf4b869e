// The AWS Query protocol shared by EC2 and CloudFormation: form-encoded POST of
// Action/Version/params, SigV4-signed, XML back (pugixml); AWS error documents become
// cloud::AwsError; throttling and 5xx are retried with jittered exponential backoff.
#pragma once
#include <memory>
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cloud/aws_config.h"
#include "cloud/http.h"
#include "util/error.h"

namespace dust::cloud {

struct AwsError : Error {
  AwsError(std::string code, int http_status, const std::string& message)
      : Error(message), code(std::move(code)), http_status(http_status) {}
  std::string code;  // "AuthFailure", "InvalidInstanceID.NotFound", ...
  int http_status;
};

// Parameters in the order given. Lists are numbered from 1: add_list(p, "InstanceId", ids) gives
// InstanceId.1, InstanceId.2, ...
using Params = std::vector<std::pair<std::string, std::string>>;
void add_list(Params& p, const std::string& prefix, const std::vector<std::string>& values);
std::string form_encode(const Params& p);  // k=v&k2=v2, URI-encoded, space as +

// An error document's code and message, whichever service shape it has
// (EC2: <Response><Errors><Error>; CloudFormation/IAM: <ErrorResponse><Error>); nullopt if none.
struct ErrorDoc {
  std::string code;
  std::string message;
};
std::optional<ErrorDoc> parse_error(std::string_view body);
// "AWS error <Code>: <message> (<hint for well-known codes>)". `action` names the call for hints.
AwsError make_aws_error(const ErrorDoc& e, int http_status, const std::string& action);

// Retry policy (pure): which failures are worth another attempt, and how long to wait before
// attempt `attempt` (0-based count of failures so far) given a uniform random number in [0,1).
bool is_retryable(int http_status, const std::string& code);
long backoff_ms(int attempt, double rand01);

// A parsed response: the body is parsed in place, so document and buffer live together.
struct XmlResponse {
  std::string body;
  pugi::xml_document doc;
  pugi::xml_node root() const { return doc.document_element(); }
};

class QueryClient {
 public:
  // service: signing name ("ec2", "cloudformation"); label: for messages ("EC2"); version: API
  // version.
  QueryClient(const AwsConfig& cfg, std::string service, std::string label, std::string version,
              std::string region, const std::string& endpoint_override);

  std::unique_ptr<XmlResponse> call(const std::string& action, const Params& params);
  const std::string& endpoint() const { return endpoint_; }
  int max_attempts = 4;

 private:
  Credentials creds_;
  std::string service_, label_, version_, region_, endpoint_;
  Url url_;
  HttpClient http_;
};

}  // namespace dust::cloud
