// An in-memory CloudFormation for tests without the network. Stacks complete at once; a template
// must be JSON with Resources (else ValidationError, as AWS says). With a FakeEc2, each
// AWS::EC2::Instance of a created stack becomes a running instance tagged as CloudFormation tags
// it.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cloud/cloudformation_api.h"
#include "fakes/fake_ec2.h"

namespace dust::cloud {

class FakeCloudFormation : public CloudFormationApi {
 public:
  explicit FakeCloudFormation(std::string region, FakeEc2* ec2 = nullptr);

  const std::string& region() const override { return region_; }
  TemplateInfo validate_template(const std::string& body) override;
  std::string create_stack(const std::string& name, const std::string& body,
                           const KeyValues& tags = {}) override;
  std::vector<Stack> describe_stacks(const std::string& name = "") override;
  std::optional<Stack> find_stack(const std::string& name) override;
  std::vector<StackEvent> describe_stack_events(const std::string& name) override;
  void delete_stack(const std::string& name) override;

  std::map<std::string, Stack> stacks;                    // by name
  std::map<std::string, std::vector<StackEvent>> events;  // by stack name, oldest first
  std::vector<std::string> calls;

 private:
  std::string region_;
  FakeEc2* ec2_;
  int next_instance_ = 1;
};

}  // namespace dust::cloud
