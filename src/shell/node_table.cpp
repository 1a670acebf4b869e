// show/showex rendering.
#include "shell/node_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "util/sanitise.h"

namespace dust::shell {

std::vector<std::string> display_names(const std::vector<const Node*>& nodes, const Nodes* among) {
  std::map<std::string, int> count;
  std::set<std::string> members;  // instance ids of `among`
  if (among) {
    for (const Node& n : *among) {
      if (!n.name.empty()) count[n.name]++;
      if (!n.id.empty()) members.insert(n.id);
    }
  } else {
    for (const Node* n : nodes)
      if (!n->name.empty()) count[n->name]++;
  }
  std::vector<std::string> out;
  out.reserve(nodes.size());
  for (const Node* n : nodes) {
    // A Name tag is anyone's with ec2:CreateTags: shown escaped wherever a label is printed.
    std::string name = util::escape_controls(n->name);
    bool outsider = among && !n->id.empty() && !members.count(n->id);
    if (!n->name.empty() && !n->id.empty() && (count[n->name] > 1 || outsider))
      out.push_back(fmt::format("{}({})", name, n->id));
    else
      out.push_back(name);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> node_details(const Node& n) {
  std::string tags;
  for (const auto& [k, v] : n.tags) {
    if (!tags.empty()) tags += ",";
    tags += util::escape_controls(k) + "=" + util::escape_controls(v);
  }
  std::string groups;
  for (const auto& g : n.groups) groups += (groups.empty() ? "" : ",") + g;
  std::vector<std::pair<std::string, std::string>> d = {
      {"image", n.image},
      {"hostname", n.private_dns},
      {"key", n.key_name},
      {"DNS", n.public_dns},
      {"tags", tags},
      {"launch_time", n.launch_time},
      {"vpc:subnet", n.vpc.empty() && n.subnet.empty() ? "" : n.vpc + ":" + n.subnet},
      {"az", n.az},
      {"groups", groups},
  };
  if (!n.cluster.empty()) d.push_back({"cluster", n.cluster});
  if (!n.username.empty()) d.push_back({"username", n.username});
  return d;
}

std::string render_table(const std::vector<NodeGroup>& groups, bool verbose, const Nodes* among,
                         const std::map<std::string, std::string>* last) {
  static const char* headers[] = {"Name",   "Instance", "State",      "ID",
                                  "ext_IP", "int_IP",   "Last_result"};
  const int ncols = last ? 7 : 6;
  static const std::string none;
  auto last_of = [&](const Node& n) -> const std::string& {
    if (!last) return none;
    auto it = last->find(n.id);
    return it == last->end() ? none : it->second;
  };
  // Column widths over every group so the groups line up; minimums as in the original.
  size_t w[7] = {12, 12, 12, 10, 15, 15, 0};
  Nodes everyone;  // without a working set, the table's own nodes are the set names are unique in
  if (!among) {
    for (const auto& g : groups)
      for (const Node* n : g.nodes) everyone.push_back(*n);
    among = &everyone;
  }
  std::vector<std::vector<std::string>> names;
  for (const auto& g : groups) {
    names.push_back(display_names(g.nodes, among));
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = *g.nodes[i];
      const std::string* cols[] = {&names.back()[i], &n.instance_type, &n.state,   &n.id,
                                   &n.public_ip,     &n.private_ip,    &last_of(n)};
      for (int c = 0; c < ncols; ++c)
        w[c] = std::max(w[c], util::escape_controls(*cols[c]).size() + 1);
    }
  }
  auto row = [&](const std::string* cols[7]) {
    std::string line;
    // Every cell may hold outside text (tags, an error's words): shown escaped.
    for (int c = 0; c < ncols; ++c)
      line += fmt::format("{:<{}} ", util::escape_controls(*cols[c]), w[c]);
    line.erase(line.find_last_not_of(' ') + 1);
    return line + "\n";
  };
  std::string out;
  std::string hdr[7];
  const std::string* hp[7];
  for (int c = 0; c < 7; ++c) hdr[c] = headers[c], hp[c] = &hdr[c];
  out += row(hp) + "\n";
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    const auto& g = groups[gi];
    if (!g.title.empty()) out += g.title + "\n";
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& n = *g.nodes[i];
      const std::string* cols[] = {&names[gi][i], &n.instance_type, &n.state,   &n.id,
                                   &n.public_ip,  &n.private_ip,    &last_of(n)};
      out += row(cols);
      if (verbose)
        for (const auto& [k, v] : node_details(n))
          if (!v.empty())
            out += fmt::format("{:{}}{} : {}\n", "", w[0] + 2, k, util::escape_controls(v));
    }
    if (gi + 1 < groups.size()) out += "\n";
  }
  return out;
}

}  // namespace dust::shell
