// AWS credentials, region and endpoints from the standard chain (PRODUCT.md §1):
// env (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), AWS_PROFILE, ~/.aws/credentials and
// ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE), region from AWS_REGION/AWS_DEFAULT_REGION/
// profile/dust's config.yaml; endpoints AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2,
// AWS_ENDPOINT_URL_CLOUDFORMATION.
#pragma once
#include <string>

namespace dust::cloud {

struct Credentials {
  std::string access_key;
  std::string secret_key;
  std::string session_token;  // may be empty
  std::string source;         // "environment", "profile default (~/.aws/credentials)", ... for debug logs
};

struct AwsConfig {
  Credentials creds;
  std::string region;          // may be empty if nothing configured
  std::string ec2_endpoint;    // empty = https://ec2.<region>.amazonaws.com
  std::string cfn_endpoint;    // empty = https://cloudformation.<region>.amazonaws.com
  long connect_timeout_ms = 5000;
  long request_timeout_ms = 60000;
};

// Resolves the chain. `fallback_region` is dust's config.yaml region (used last).
// Throws dust::Error naming how to configure credentials when none are found.
AwsConfig resolve_aws_config(const std::string& fallback_region);

}  // namespace dust::cloud
