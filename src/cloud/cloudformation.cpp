// CloudFormation client and its response parsing.
#include "cloud/cloudformation.h"

#include <algorithm>

#include "util/log.h"

namespace dust::cloud {

namespace cfn_parse {
namespace {

// Query-API responses wrap their payload: <XResponse><XResult>…</XResult></XResponse>.
pugi::xml_node result(const pugi::xml_node& response) {
  for (pugi::xml_node c = response.first_child(); c; c = c.next_sibling()) {
    std::string_view n = c.name();
    if (n.size() > 6 && n.substr(n.size() - 6) == "Result") return c;
  }
  return {};
}

KeyValues pairs(const pugi::xml_node& list, const char* key, const char* value) {
  KeyValues out;
  for (pugi::xml_node m = list.first_child(); m; m = m.next_sibling())
    out.emplace_back(m.child_value(key), m.child_value(value));
  return out;
}

}  // namespace

TemplateInfo template_info(const pugi::xml_node& response) {
  pugi::xml_node r = result(response);
  TemplateInfo t;
  t.description = r.child_value("Description");
  for (pugi::xml_node m = r.child("Parameters").first_child(); m; m = m.next_sibling())
    t.parameters.emplace_back(m.child_value("ParameterKey"));
  return t;
}

std::string stack_id(const pugi::xml_node& response) {
  return result(response).child_value("StackId");
}

std::string stacks(const pugi::xml_node& response, std::vector<Stack>* out) {
  pugi::xml_node r = result(response);
  for (pugi::xml_node m = r.child("Stacks").first_child(); m; m = m.next_sibling()) {
    Stack s;
    s.name = m.child_value("StackName");
    s.id = m.child_value("StackId");
    s.status = m.child_value("StackStatus");
    s.status_reason = m.child_value("StackStatusReason");
    s.creation_time = m.child_value("CreationTime");
    s.tags = pairs(m.child("Tags"), "Key", "Value");
    s.outputs = pairs(m.child("Outputs"), "OutputKey", "OutputValue");
    out->push_back(std::move(s));
  }
  return r.child_value("NextToken");
}

std::string stack_events(const pugi::xml_node& response, std::vector<StackEvent>* out) {
  pugi::xml_node r = result(response);
  for (pugi::xml_node m = r.child("StackEvents").first_child(); m; m = m.next_sibling()) {
    StackEvent e;
    e.stack_name = m.child_value("StackName");
    e.event_id = m.child_value("EventId");
    e.logical_id = m.child_value("LogicalResourceId");
    e.physical_id = m.child_value("PhysicalResourceId");
    e.resource_type = m.child_value("ResourceType");
    e.status = m.child_value("ResourceStatus");
    e.reason = m.child_value("ResourceStatusReason");
    e.timestamp = m.child_value("Timestamp");
    out->push_back(std::move(e));
  }
  return r.child_value("NextToken");
}

}  // namespace cfn_parse

CloudFormation::CloudFormation(AwsConfig cfg, std::string region)
    : cfg_(std::move(cfg)),
      region_(std::move(region)),
      q_(cfg_, "cloudformation", "CloudFormation", "2010-05-15", region_, cfg_.cfn_endpoint) {}

TemplateInfo CloudFormation::validate_template(const std::string& body) {
  auto r = q_.call("ValidateTemplate", {{"TemplateBody", body}});
  return cfn_parse::template_info(r->root());
}

std::string CloudFormation::create_stack(const std::string& name, const std::string& body,
                                         const KeyValues& tags) {
  Params p{{"StackName", name}, {"TemplateBody", body}};
  for (size_t i = 0; i < tags.size(); ++i) {
    p.emplace_back("Tags.member." + std::to_string(i + 1) + ".Key", tags[i].first);
    p.emplace_back("Tags.member." + std::to_string(i + 1) + ".Value", tags[i].second);
  }
  auto r = q_.call("CreateStack", p);
  std::string id = cfn_parse::stack_id(r->root());
  log::debug("CloudFormation CreateStack {} → {}", name, id);
  return id;
}

std::vector<Stack> CloudFormation::describe_stacks(const std::string& name) {
  std::vector<Stack> out;
  std::string token;
  do {
    Params p;
    if (!name.empty()) p.emplace_back("StackName", name);
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto r = q_.call("DescribeStacks", p);
    token = cfn_parse::stacks(r->root(), &out);
  } while (!token.empty());
  return out;
}

std::optional<Stack> CloudFormation::find_stack(const std::string& name) {
  try {
    std::vector<Stack> s = describe_stacks(name);
    if (s.empty()) return std::nullopt;
    return s.front();
  } catch (const AwsError& e) {
    // A missing stack is a ValidationError "Stack with id X does not exist", not a distinct code.
    if (e.code == "ValidationError" &&
        std::string_view(e.what()).find("does not exist") != std::string_view::npos)
      return std::nullopt;
    throw;
  }
}

std::vector<StackEvent> CloudFormation::describe_stack_events(const std::string& name) {
  std::vector<StackEvent> out;
  std::string token;
  do {
    Params p{{"StackName", name}};
    if (!token.empty()) p.emplace_back("NextToken", token);
    auto r = q_.call("DescribeStackEvents", p);
    token = cfn_parse::stack_events(r->root(), &out);
  } while (!token.empty());
  std::reverse(out.begin(), out.end());  // the API lists newest first, across pages too
  return out;
}

void CloudFormation::delete_stack(const std::string& name) {
  q_.call("DeleteStack", {{"StackName", name}});
}

}  // namespace dust::cloud
