// hostkeys [target] — the host keys known_hosts holds for nodes (the fingerprints behind the folded
// "recorded new host keys for N nodes" line): node, address, key type, SHA256 fingerprint.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>

#include "shell/command_table.h"
#include "shell/commands/commands.h"
#include "shell/context.h"
#include "shell/sessions.h"
#include "ssh/host_settings.h"
#include "ssh/known_hosts_list.h"
#include "util/paths.h"

namespace dust::shell {
namespace {

int run(Context& ctx, Args& a) {
  if (a.nodes.empty()) {
    ctx.out().out(a.target.empty() ? "no nodes\n" : fmt::format("no nodes match '{}'\n", a.target));
    return a.target.empty() ? 0 : 1;
  }
  // The files sessions check for each node: the ssh config's UserKnownHostsFile list.
  std::vector<std::string> files;
  const ssh::Options& opt = ctx.sessions().pool().options();
  std::vector<std::string> names = ctx.labels(a.nodes);
  auto eps = ctx.sessions().endpoints(a.nodes);
  std::vector<std::array<std::string, 4>> rows{{"Node", "Address", "Key_type", "Fingerprint"}};
  for (size_t i = 0; i < eps.size(); ++i) {
    const ssh::Endpoint& ep = eps[i];
    std::string addr =
        ep.port == 0 || ep.port == 22 ? ep.host : fmt::format("[{}]:{}", ep.host, ep.port);
    std::vector<ssh::KnownKey> keys;
    try {
      ssh::HostSettings hs = ssh::host_settings(ep, opt);
      for (const auto& file : hs.known_hosts) {
        if (std::find(files.begin(), files.end(), file) == files.end()) files.push_back(file);
        if (ep.host.empty()) continue;
        for (auto& k : ssh::known_keys(file, hs.cfg.hostname, hs.cfg.port)) keys.push_back(k);
      }
    } catch (const Error& e) {
      rows.push_back({names[i], addr.empty() ? "-" : addr, "-", e.what()});
      continue;
    }
    if (keys.empty())
      rows.push_back({names[i], addr.empty() ? "-" : addr, "-", "(not in known_hosts)"});
    for (const auto& k : keys) rows.push_back({names[i], addr, k.type, k.fingerprint});
  }
  size_t w[3] = {0, 0, 0};
  for (const auto& r : rows)
    for (size_t c = 0; c < 3; ++c) w[c] = std::max(w[c], r[c].size() + 1);
  std::string out = fmt::format("keys in {}:\n", fmt::join(files, ", "));
  for (const auto& r : rows)
    out += fmt::format("{:<{}} {:<{}} {:<{}} {}\n", r[0], w[0], r[1], w[1], r[2], w[2], r[3]);
  ctx.out().out(out);
  return 0;
}

}  // namespace

void register_hostkeys(CommandTable& t) {
  t.add({.name = "hostkeys",
         .usage = "hostkeys [target]",
         .summary = "list the host keys known_hosts holds for nodes (type, SHA256 fingerprint)",
         .help =
             "dust records the key of a node it meets for the first time (accept-new) and prints "
             "one line for all of them; this lists each node's keys from ~/.ssh/known_hosts, "
             "to compare with the node's own (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub).",
         .target = TargetKind::Optional,
         .max_args = 0,
         .complete = {CompleteKind::Nodes},
         .run = run});
}

}  // namespace dust::shell
