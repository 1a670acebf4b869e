// CloudFormation Query API client (same transport, signing, errors and retries as the EC2 one):
// ValidateTemplate, CreateStack, DescribeStacks, DescribeStackEvents, DeleteStack.
#pragma once
#include <optional>
#include <pugixml.hpp>
#include <string>
#include <utility>
#include <vector>

#include "cloud/aws_config.h"
#include "cloud/cloudformation_api.h"
#include "cloud/query.h"

namespace dust::cloud {

class CloudFormation : public CloudFormationApi {
 public:
  // `region` may be empty when an endpoint override is set (signing then uses us-east-1).
  CloudFormation(AwsConfig cfg, std::string region);
  const std::string& region() const override { return region_; }

  TemplateInfo validate_template(const std::string& body) override;
  std::string create_stack(const std::string& name, const std::string& body,
                           const KeyValues& tags = {}) override;
  std::vector<Stack> describe_stacks(const std::string& name = "") override;  // all pages
  std::optional<Stack> find_stack(const std::string& name) override;
  std::vector<StackEvent> describe_stack_events(const std::string& name) override;  // all pages
  void delete_stack(const std::string& name) override;

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
std::string stack_events(const pugi::xml_node& response,
                         std::vector<StackEvent>* out);  // API order
}  // namespace cfn_parse

}  // namespace dust::cloud
