// The CloudFormation calls dust makes, as an interface: the Query API client (cloudformation.h) and
// an in-memory fake (tests/fakes/fake_cloudformation.h) for tests without the network.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dust::cloud {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Stack {
  std::string name;
  std::string id;
  std::string status;  // CREATE_IN_PROGRESS, CREATE_COMPLETE, ROLLBACK_COMPLETE, ...
  std::string status_reason;
  std::string creation_time;
  KeyValues tags;
  KeyValues outputs;  // OutputKey → OutputValue
};

struct StackEvent {
  std::string stack_name;
  std::string event_id;
  std::string logical_id;
  std::string physical_id;
  std::string resource_type;  // AWS::CloudFormation::Stack, AWS::EC2::Instance, ...
  std::string status;
  std::string reason;
  std::string timestamp;
};

struct TemplateInfo {
  std::string description;
  std::vector<std::string> parameters;  // ParameterKey of each declared parameter
};

class CloudFormationApi {
 public:
  virtual ~CloudFormationApi() = default;
  virtual const std::string& region() const = 0;
  // AwsError ValidationError when invalid.
  virtual TemplateInfo validate_template(const std::string& body) = 0;
  virtual std::string create_stack(const std::string& name, const std::string& body,
                                   const KeyValues& tags = {}) = 0;
  virtual std::vector<Stack> describe_stacks(const std::string& name = "") = 0;  // "" = every stack
  virtual std::optional<Stack> find_stack(const std::string& name) = 0;  // nullopt: no such stack
  virtual std::vector<StackEvent> describe_stack_events(
      const std::string& name) = 0;  // oldest first
  virtual void delete_stack(const std::string& name) = 0;
};

}  // namespace dust::cloud
