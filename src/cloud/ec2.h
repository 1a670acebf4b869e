// EC2 Query API client (libcurl + pugixml + SigV4). Every call throws cloud::AwsError on an AWS
// error response (message carries the AWS code) and dust::Error on transport failure.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cloud/aws_config.h"
#include "cloud/ec2_api.h"
#include "cloud/ec2_types.h"
#include "cloud/query.h"
#include "model/node.h"
#include "util/error.h"

namespace dust::cloud {

class Ec2 : public Ec2Api {
 public:
  // `region` may be empty when an endpoint override is set (signing then uses us-east-1).
  Ec2(AwsConfig cfg, std::string region);
  const std::string& region() const override { return region_; }
  const std::string& endpoint() const override { return q_.endpoint(); }

  // All pages (NextToken). Node::name from the Name tag; every other Node field filled from the
  // API.
  Nodes describe_instances(const std::vector<Filter>& filters = {}) override;
  std::vector<StateChange> start_instances(const std::vector<std::string>& ids) override;
  std::vector<StateChange> stop_instances(const std::vector<std::string>& ids) override;
  std::vector<StateChange> terminate_instances(const std::vector<std::string>& ids) override;
  void create_tags(const std::vector<std::string>& ids,
                   const std::vector<std::pair<std::string, std::string>>& tags) override;
  void delete_tags(const std::vector<std::string>& ids,
                   const std::vector<std::string>& keys) override;
  std::vector<std::string> describe_regions() override;

  // Security groups (issue 5). No ids and no filters = every group of the region (all pages).
  std::vector<SecurityGroup> describe_security_groups(
      const std::vector<std::string>& ids = {}, const std::vector<Filter>& filters = {}) override;
  void authorize_ingress(const std::string& group_id, const IpPermission& rule) override;
  void revoke_ingress(const std::string& group_id, const IpPermission& rule) override;

  // Query parameters for one rule as IpPermissions.1.* (exposed for tests).
  static Params ingress_params(const std::string& group_id, const IpPermission& rule);
  static void add_filters(Params& p, const std::vector<Filter>& filters);

 private:
  std::vector<StateChange> change_state(const std::string& action,
                                        const std::vector<std::string>& ids);

  AwsConfig cfg_;
  std::string region_;
  QueryClient q_;
};

}  // namespace dust::cloud
