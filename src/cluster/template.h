// Spec → CloudFormation template (JSON): a node security group, intra-cluster and ssh ingress, one
// AWS::EC2::Instance per node tagged Name=<nodename>. Pure; no AWS calls.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "cluster/spec.h"

namespace dust::cluster {

// Keys keep insertion order so the printed template reads top-down like a hand-written one.
nlohmann::ordered_json build_template(const Spec& spec);

// build_template(spec) rendered with 2-space indentation: what `load` prints, saves and sends.
std::string template_body(const Spec& spec);

}  // namespace dust::cluster
