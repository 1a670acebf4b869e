// CloudFormation Query API client (same transport, signing, errors and retries as the EC2 one):
// ValidateTemplate, CreateStack, DescribeStacks, DescribeStackEvents, DeleteStack.
#pragma once
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cloud/aws_config.h"
#include "cloud/query.h"

namespace dust::cloud {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct Stack {
  std::string name;
  std::string id;
  std::string status;         // CREATE_IN_PROGRESS, CREATE_COMPLETE, ROLLBACK_COMPLETE, ...
  std::string status_reason;
  std::string creation_time;
  KeyValues tags;
  KeyValues outputs;          // OutputKey → OutputValue
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

class CloudFormation {
 public:
  // `region` may be empty when an endpoint override is set (signing then uses us-east-1).
  CloudFormation(AwsConfig cfg, std::string region);
  const std::string& region() const { return region_; }

  TemplateInfo validate_template(const std::string& body);  // AwsError ValidationError when invalid
  std::string create_stack(const std::string& name, const std::string& body, const KeyValues& tags = {});
  std::vector<Stack> describe_stacks(const std::string& name = "");  // all pages; "" = every stack
  std::optional<Stack> find_stack(const std::string& name);           // nullopt when it does not exist
  std::vector<StackEvent> describe_stack_events(const std::string& name);  // all pages, oldest first
  void delete_stack(const std::string& name);

 private:
  AwsConfig cfg_;
  std::string region_;
  QueryClient q_;
};

// Response parsing (pure, for tests). Each appends one page and returns its NextToken.
namespace cfn_parse {
TemplateInfo template_info(const pugi::xml_node& response);
std::string stack_id(const pugi::xml_node& response);
std::string stacks(const pugi::xml_node& response, std::vector<Stack>* out);
std::string stack_events(const pugi::xml_node& response, std::vector<StackEvent>* out);  // API order
}  // namespace cfn_parse

}  // namespace dust::cloud
