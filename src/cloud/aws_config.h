// AWS credentials, region and endpoints from the standard chain (PRODUCT.md §1):
// env (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), AWS_PROFILE, ~/.aws/credentials
// and
// ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), region from
// AWS_REGION/AWS_DEFAULT_REGION/ profile/dust's config.yaml; endpoints AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_CLOUDFORMATION.
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace dust::cloud {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // may be empty
  std::string source;  // "environment", "profile default (~/.aws/credentials)", ... for debug logs
};

struct AwsConfig {
  Credentials creds;
  std::string profile;       // the profile consulted ("default" unless AWS_PROFILE says otherwise)
  std::string region;        // may be empty if nothing configured
  std::string ec2_endpoint;  // empty = https://ec2.<region>.amazonaws.com
  std::string cfn_endpoint;  // empty = https://cloudformation.<region>.amazonaws.com
  long connect_timeout_ms = 5000;
  long request_timeout_ms = 60000;
};

// Resolves the chain. `fallback_region` is dust's config.yaml region (used last).
// Throws dust::Error naming how to configure credentials when none are found.
AwsConfig resolve_aws_config(const std::string& fallback_region);

// The same with the environment injected (tests). `env(name)` returns the variable or nullopt.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
AwsConfig resolve_aws_config(const std::string& fallback_region, const EnvLookup& env);

// The endpoint a client talks to: the override if any, else the public AWS one for the region.
std::string endpoint_for(const std::string& override_url, const std::string& service,
                         const std::string& region);

}  // namespace dust::cloud
