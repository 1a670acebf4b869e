// FakeCloudFormation: CloudFormation's observable behaviour for dust's calls, in memory.
#include "fakes/fake_cloudformation.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cloud/query.h"

namespace dust::cloud {
namespace {

AwsError validation(const std::string& msg) {
  return AwsError("ValidationError", 400, "AWS error ValidationError: " + msg);
}

nlohmann::json parse_template(const std::string& body) {
  nlohmann::json t = nlohmann::json::parse(body, nullptr, false);
  if (t.is_discarded() || !t.is_object())
    throw validation("Template format error: JSON not well-formed");
  if (!t.contains("Resources") || !t["Resources"].is_object() || t["Resources"].empty())
    throw validation("Template format error: At least one Resources member must be defined.");
  return t;
}

}  // namespace

FakeCloudFormation::FakeCloudFormation(std::string region, FakeEc2* ec2)
    : region_(std::move(region)), ec2_(ec2) {}

TemplateInfo FakeCloudFormation::validate_template(const std::string& body) {
  nlohmann::json t = parse_template(body);
  TemplateInfo info;
  if (t.contains("Description") && t["Description"].is_string())
    info.description = t["Description"];
  if (t.contains("Parameters") && t["Parameters"].is_object())
    for (const auto& [k, v] : t["Parameters"].items()) info.parameters.push_back(k);
  return info;
}

std::string FakeCloudFormation::create_stack(const std::string& name, const std::string& body,
                                             const KeyValues& tags) {
  nlohmann::json t = parse_template(body);
  if (stacks.count(name))
    throw AwsError(
        "AlreadyExistsException", 400,
        fmt::format("AWS error AlreadyExistsException: Stack [{}] already exists", name));
  calls.push_back("CreateStack " + name);
  Stack s;
  s.name = name;
  s.id = fmt::format("arn:aws:cloudformation:{}:123456789012:stack/{}/fake", region_, name);
  s.status = "CREATE_COMPLETE";
  s.creation_time = "2026-01-01T00:00:00Z";
  s.tags = tags;
  auto& ev = events[name];
  auto event = [&](const std::string& logical, const std::string& type, const std::string& status) {
    ev.push_back({name, fmt::format("e{}", ev.size() + 1), logical, "", type, status, "",
                  fmt::format("2026-01-01T00:00:{:02}Z", ev.size())});
  };
  event(name, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS");
  for (const auto& [logical, res] : t["Resources"].items()) {
    std::string type = res.value("Type", "");
    event(logical, type, "CREATE_IN_PROGRESS");
    event(logical, type, "CREATE_COMPLETE");
    if (ec2_ && type == "AWS::EC2::Instance") {
      Node n;
      n.id = fmt::format("i-fake{:04}", next_instance_++);
      n.state = "running";
      n.tags = {{"aws:cloudformation:stack-name", name},
                {"aws:cloudformation:logical-id", logical}};
      const auto& props = res.value("Properties", nlohmann::json::object());
      n.instance_type = props.value("InstanceType", "");
      n.image = props.value("ImageId", "");
      if (props.contains("Tags") && props["Tags"].is_array())
        for (const auto& tag : props["Tags"]) {
          std::string k = tag.value("Key", ""), v = tag.value("Value", "");
          n.tags.emplace_back(k, v);
          if (k == "Name") n.name = v;
        }
      ec2_->instances.push_back(std::move(n));
    }
  }
  event(name, "AWS::CloudFormation::Stack", "CREATE_COMPLETE");
  stacks[name] = s;
  return s.id;
}

std::vector<Stack> FakeCloudFormation::describe_stacks(const std::string& name) {
  std::vector<Stack> out;
  if (name.empty()) {
    for (const auto& [n, s] : stacks) out.push_back(s);
    return out;
  }
  auto it = stacks.find(name);
  if (it == stacks.end()) throw validation(fmt::format("Stack with id {} does not exist", name));
  out.push_back(it->second);
  return out;
}

std::optional<Stack> FakeCloudFormation::find_stack(const std::string& name) {
  auto it = stacks.find(name);
  if (it == stacks.end()) return std::nullopt;
  return it->second;
}

std::vector<StackEvent> FakeCloudFormation::describe_stack_events(const std::string& name) {
  if (!stacks.count(name)) throw validation(fmt::format("Stack [{}] does not exist", name));
  return events[name];
}

void FakeCloudFormation::delete_stack(const std::string& name) {
  calls.push_back("DeleteStack " + name);
  stacks.erase(name);
  events.erase(name);
  if (ec2_)
    for (auto& n : ec2_->instances)
      if (n.tag("aws:cloudformation:stack-name") == name) n.state = "terminated";
}

}  // namespace dust::cloud
