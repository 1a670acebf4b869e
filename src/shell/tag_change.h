// What tag and untag share: change the selected nodes' tags, then say which nodes changed.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "cloud/ec2.h"
#include "shell/command.h"

namespace dust::shell {

class Context;

// Calls `change` with the instance ids of a.nodes (throws when there are none), drops the node
// cache and prints "<verb> 2 nodes: worker[0-1]" under the labels the person selected by.
int change_tags(
    Context& ctx, const Args& a, const char* verb,
    const std::function<void(cloud::Ec2Api&, const std::vector<std::string>& ids)>& change);

}  // namespace dust::shell
