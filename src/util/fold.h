// Node-name folding for output, ClusterShell style: {worker0..worker4, worker7, master}
// → "master,worker[0-4,7]". Padding is kept ("node[01-03]"). Pure.
#pragma once
#include <string>
#include <vector>

namespace dust {

std::string fold_names(std::vector<std::string> names);

}  // namespace dust
