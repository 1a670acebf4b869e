// An in-memory EC2 for tests without the network: instances and security groups held as values,
// state changes applied at once (start → running, stop → stopped, terminate → terminated), AWS's
// error codes for unknown ids. `calls` records each mutating call, so a test can check that bad
// input changed nothing.
#pragma once
#include <string>
#include <vector>

#include "cloud/ec2_api.h"

namespace dust::cloud {

class FakeEc2 : public Ec2Api {
 public:
  FakeEc2(std::string region, Nodes instances, std::vector<SecurityGroup> groups = {});

  const std::string& region() const override { return region_; }
  const std::string& endpoint() const override { return endpoint_; }
  Nodes describe_instances(const std::vector<Filter>& filters = {}) override;
  std::vector<StateChange> start_instances(const std::vector<std::string>& ids) override;
  std::vector<StateChange> stop_instances(const std::vector<std::string>& ids) override;
  std::vector<StateChange> terminate_instances(const std::vector<std::string>& ids) override;
  void create_tags(const std::vector<std::string>& ids,
                   const std::vector<std::pair<std::string, std::string>>& tags) override;
  void delete_tags(const std::vector<std::string>& ids,
                   const std::vector<std::string>& keys) override;
  std::vector<std::string> describe_regions() override;
  std::vector<SecurityGroup> describe_security_groups(
      const std::vector<std::string>& ids = {}, const std::vector<Filter>& filters = {}) override;
  void authorize_ingress(const std::string& group_id, const IpPermission& rule) override;
  void revoke_ingress(const std::string& group_id, const IpPermission& rule) override;

  Nodes instances;
  std::vector<SecurityGroup> groups;
  std::vector<std::string> calls;  // "CreateTags i-1,i-2", … in order

 private:
  Node& find(const std::string& id);
  SecurityGroup& group(const std::string& id);
  std::vector<StateChange> change(const std::string& action, const std::vector<std::string>& ids,
                                  const std::string& to);
  std::string region_;
  std::string endpoint_;
};

}  // namespace dust::cloud
