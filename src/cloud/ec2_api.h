// The EC2 calls dust makes, as an interface: the Query API client (ec2.h) implements it for real,
// and FakeEc2 (tests/fakes/fake_ec2.h) in memory, so commands can be tested without the network
// (ninja's DiskInterface).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "cloud/ec2_types.h"
#include "model/node.h"

namespace dust::cloud {

class Ec2Api {
 public:
  virtual ~Ec2Api() = default;
  virtual const std::string& region() const = 0;
  virtual const std::string& endpoint() const = 0;  // "" when the default AWS endpoint is used

  // Every instance (all pages). Node::name from the Name tag; every other Node field from the API.
  virtual Nodes describe_instances(const std::vector<Filter>& filters = {}) = 0;
  virtual std::vector<StateChange> start_instances(const std::vector<std::string>& ids) = 0;
  virtual std::vector<StateChange> stop_instances(const std::vector<std::string>& ids) = 0;
  virtual std::vector<StateChange> terminate_instances(const std::vector<std::string>& ids) = 0;
  virtual void create_tags(const std::vector<std::string>& ids,
                           const std::vector<std::pair<std::string, std::string>>& tags) = 0;
  virtual void delete_tags(const std::vector<std::string>& ids,
                           const std::vector<std::string>& keys) = 0;
  virtual std::vector<std::string> describe_regions() = 0;

  // No ids and no filters = every group of the region (all pages).
  virtual std::vector<SecurityGroup> describe_security_groups(
      const std::vector<std::string>& ids = {}, const std::vector<Filter>& filters = {}) = 0;
  virtual void authorize_ingress(const std::string& group_id, const IpPermission& rule) = 0;
  virtual void revoke_ingress(const std::string& group_id, const IpPermission& rule) = 0;
};

}  // namespace dust::cloud
