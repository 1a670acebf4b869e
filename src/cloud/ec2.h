// EC2 Query API client (libcurl + pugixml + SigV4). Every call throws cloud::AwsError on an AWS
// error response (message carries the AWS code) and dust::Error on transport failure.
#pragma once
#include <string>
#include <vector>

#include "cloud/aws_config.h"
#include "model/node.h"
#include "util/error.h"

namespace dust::cloud {

struct AwsError : Error {
  AwsError(std::string code, int http_status, const std::string& message)
      : Error(message), code(std::move(code)), http_status(http_status) {}
  std::string code;   // "AuthFailure", "InvalidInstanceID.NotFound", ...
  int http_status;
};

struct StateChange {
  std::string id;
  std::string previous;
  std::string current;
};

class Ec2 {
 public:
  Ec2(AwsConfig cfg, std::string region);
  const std::string& region() const { return region_; }

  Nodes describe_instances();  // all pages (NextToken); Node::name from the Name tag
  std::vector<StateChange> start_instances(const std::vector<std::string>& ids);
  std::vector<StateChange> stop_instances(const std::vector<std::string>& ids);
  std::vector<StateChange> terminate_instances(const std::vector<std::string>& ids);
  void create_tags(const std::vector<std::string>& ids,
                   const std::vector<std::pair<std::string, std::string>>& tags);
  void delete_tags(const std::vector<std::string>& ids, const std::vector<std::string>& keys);
  std::vector<std::string> describe_regions();

 private:
  AwsConfig cfg_;
  std::string region_;
};

}  // namespace dust::cloud
