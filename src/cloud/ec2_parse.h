// EC2 XML responses → dust values. Pure (no I/O) so tests feed sample documents; one pass over each
// node's children, no re-parsing, because `show` over thousands of instances must stay fast.
#pragma once
#include <pugixml.hpp>
#include <string>
#include <vector>

#include "cloud/ec2_types.h"
#include "model/node.h"

namespace dust::cloud::ec2_parse {

// Appends the instances of one DescribeInstances page; returns its nextToken ("" on the last page).
std::string instances(const pugi::xml_node& response, Nodes* out);
Node instance(const pugi::xml_node& item);
std::vector<StateChange> state_changes(
    const pugi::xml_node& response);  // Start/Stop/TerminateInstances
std::vector<std::string> regions(const pugi::xml_node& response);
// Appends one DescribeSecurityGroups page; returns its nextToken.
std::string security_groups(const pugi::xml_node& response, std::vector<SecurityGroup>* out);

}  // namespace dust::cloud::ec2_parse
