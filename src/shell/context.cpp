// Context: working set, caches, clients.
#include "shell/context.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <thread>

#include "cloud/cloudformation.h"
#include "cloud/ec2.h"
#include "cluster/resolve.h"
#include "select/target.h"
#include "shell/node_cache.h"
#include "shell/node_table.h"
#include "shell/result_sets.h"
#include "shell/sessions.h"
#include "util/error.h"
#include "util/fold.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::shell {

Context::Context(Config config, Mode mode, bool assume_yes, bool json)
    : config_(std::move(config)),
      default_gather_(config_.output_gather),
      default_diff_(config_.output_diff),
      mode_(mode),
      assume_yes_(assume_yes),
      json_(json),
      terminal_(loop_, printer_, mode == Mode::Interactive, assume_yes),
      sessions_(std::make_unique<Sessions>(*this)) {
  terminal_.set_client(client_);
  loop_.set_after_turn([this] { printer_.flush(); });
}

Context::~Context() {
  sessions_.reset();
  printer_.flush();
}

void Context::set_request(Mode mode, bool json, bool assume_yes) {
  mode_ = mode;
  json_ = json;
  assume_yes_ = assume_yes;
  terminal_.set_assume_yes(assume_yes);
}

void Context::set_client(ClientIo* c) {
  ClientIo* next = c ? c : &self_;
  if (next == client_) return;
  client_ = next;
  terminal_.set_client(client_);
}

std::string Context::local_path(const std::string& p) const {
  std::string e = paths::expand_user(p);
  if (e.empty() || e[0] == '/') return e;
  // Where this process runs in the client's directory (one process), the path stays as typed, so
  // messages name it as the person wrote it.
  char here[4096];
  if (getcwd(here, sizeof here) && client_->cwd() == here) return e;
  return paths::join(client_->cwd(), e);
}

Context::WorkingSet Context::take_working_set() {
  WorkingSet w{region_, cluster_name_, std::move(cluster_),
               std::pair(config_.output_gather, config_.output_diff)};
  config_.output_gather = default_gather_;
  config_.output_diff = default_diff_;
  region_.clear();
  cluster_name_.clear();
  cluster_.reset();
  working_.reset();
  strays_.clear();
  ++generation_;
  return w;
}

void Context::set_working_set(WorkingSet w) {
  region_ = std::move(w.region);
  cluster_name_ = std::move(w.cluster_name);
  cluster_ = std::move(w.cluster);
  config_.output_gather = w.output ? w.output->first : default_gather_;
  config_.output_diff = w.output ? w.output->second : default_diff_;
  working_.reset();
  strays_.clear();
  ++generation_;
}

const cloud::AwsConfig& Context::aws() {
  const Environment& e = env();
  auto it = aws_.find(e.identity_key());
  if (it != aws_.end()) return it->second;
  cloud::AwsConfig cfg = cloud::resolve_aws_config(
      config_.region, [&e](const std::string& name) { return e.get(name); });
  return aws_[e.identity_key()] = std::move(cfg);
}

const std::string& Context::region() const {
  if (region_.empty()) {
    // Resolve without credentials so the prompt works before any call is made.
    for (const char* v : {"AWS_REGION", "AWS_DEFAULT_REGION"})
      if (std::string r = env().value(v); !r.empty()) return region_ = r;
    auto it = aws_.find(env().identity_key());
    if (it != aws_.end() && !it->second.region.empty()) return region_ = it->second.region;
    region_ = config_.region.empty() ? "us-east-1" : config_.region;
  }
  return region_;
}

void Context::set_region(const std::string& r) {
  region_ = r;
  cluster_name_.clear();
  cluster_.reset();
  working_.reset();
}

void Context::use_cluster(const std::string& name) {
  cluster::ClusterFile c = cluster::load_cluster(name);
  for (const auto& w : c.warnings) log::warn("{}", w);
  region_ = c.region;
  cluster_name_ = name;
  cluster_ = std::move(c);
  working_.reset();
}

std::string Context::prompt() const {
  return fmt::format("dust:{}$ ", cluster_name_.empty() ? region() : cluster_name_);
}

cloud::Ec2Api& Context::ec2(const std::string& r) {
  auto& slot = ec2_[key(r)];
  if (!slot && clients_.ec2) slot = clients_.ec2(r);
  if (!slot) {
    const auto& cfg = aws();
    log::debug("EC2 endpoint for {}: {}", r,
               cfg.ec2_endpoint.empty() ? "(default)" : cfg.ec2_endpoint);
    slot = std::make_unique<cloud::Ec2>(cfg, r);
  }
  return *slot;
}

cloud::CloudFormationApi& Context::cfn(const std::string& region) {
  auto& slot = cfn_[key(region)];
  if (!slot && clients_.cfn) slot = clients_.cfn(region);
  if (!slot) {
    const auto& cfg = aws();
    log::debug("CloudFormation endpoint for {}: {}", region,
               cfg.cfn_endpoint.empty() ? "(default)" : cfg.cfn_endpoint);
    slot = std::make_unique<cloud::CloudFormation>(cfg, region);
  }
  return *slot;
}

const Nodes& Context::region_nodes() {
  auto it = cache_.find(key(region()));
  if (it != cache_.end()) return it->second;
  Nodes fetched = ec2().describe_instances();
  save_node_cache(node_cache_path(env().identity_key(), region()), fetched);
  return cache_[key(region())] = std::move(fetched);
}

namespace {
// How old a cached answer may be and still be worth a guess (confirmed before use in any case).
constexpr auto kNodeCacheAge = std::chrono::hours(24 * 7);

std::vector<const Node*> running_only(const std::vector<const Node*>& nodes) {
  std::vector<const Node*> out;
  for (const Node* n : nodes)
    if (n->state == "running") out.push_back(n);
  return out;
}
}  // namespace

void Context::fetch_nodes_overlapped(select::Target& target) {
  const std::string k = key(region());
  if (cache_.count(k)) return;
  const std::string path = node_cache_path(env().identity_key(), region());
  std::optional<Nodes> cached = load_node_cache(path, kNodeCacheAge);
  if (!cached) return;  // nothing to guess from: nodes() asks EC2 as always
  std::vector<ssh::Endpoint> guessed;
  cache_[k] = std::move(*cached);
  working_.reset();
  try {
    guessed = sessions().endpoints(running_only(select(target)));
  } catch (const Error&) {
    // The cached nodes do not satisfy the target: the fresh answer will say how it stands.
  }
  invalidate();
  if (guessed.empty()) return;
  log::debug("connecting to {} node{} of the cached EC2 answer while EC2 answers", guessed.size(),
             guessed.size() == 1 ? "" : "s");
  ssh::Pool& pool = sessions().pool();
  pool.prepare(guessed);

  // DescribeInstances on a thread (the client is made here, on this one); the loop drives the
  // connections meanwhile and wakes on the pipe the thread writes once done.
  cloud::Ec2Api& api = ec2();
  int wake[2];
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    pool.confirm({});
    return;
  }
  std::optional<Nodes> fresh;
  std::exception_ptr failed;
  std::vector<std::string> logged;
  std::thread asker([&] {
    log::Capture capture(&logged);
    try {
      fresh = api.describe_instances();
    } catch (...) {
      failed = std::current_exception();
    }
    char c = 0;
    (void)!::write(wake[1], &c, 1);
  });
  bool answered = false;
  loop_.watch(wake[0], POLLIN, [&](short) { answered = true; });
  loop_.run_until([&] { return answered; }, std::chrono::milliseconds(100));
  asker.join();
  loop_.unwatch(wake[0]);
  close(wake[0]);
  close(wake[1]);
  log::replay(logged);
  if (failed) {
    pool.confirm({});
    std::rethrow_exception(failed);
  }
  save_node_cache(path, *fresh);
  cache_[k] = std::move(*fresh);
  working_.reset();
  std::vector<ssh::Endpoint> confirmed;
  try {
    confirmed = sessions().endpoints(running_only(select(target)));
  } catch (const Error&) {
    // The dispatcher selects again and says what is wrong.
  }
  pool.confirm(confirmed);
}

const Nodes& Context::nodes() {
  if (working_) return *working_;
  const Nodes& all = region_nodes();
  ++generation_;
  if (cluster_) {
    cluster::Resolution r = cluster::resolve(*cluster_, all);
    for (const auto& w : r.warnings) log::warn("{}", w);
    strays_ = std::move(r.strays);
    return *(working_ = std::move(r.nodes));
  }
  // Region view: mark the instances that a cluster file of this region claims (the first file, by
  // name, wins when two claim the same instance).
  Nodes out = all;
  for (const auto& entry : cluster::list_clusters()) {
    if (entry.region != region() || !entry.error.empty()) continue;
    try {
      cluster::Resolution r = cluster::resolve(cluster::read_cluster_file(entry.path), all);
      for (const Node& member : r.nodes)
        for (Node& n : out)
          if (!member.id.empty() && n.id == member.id && n.cluster.empty()) n.cluster = entry.name;
    } catch (const Error& e) {
      log::warn("{}", e.what());
    }
  }
  return *(working_ = std::move(out));
}

const Nodes& Context::strays() {
  nodes();
  return strays_;
}

void Context::invalidate() {
  cache_.erase(key(region()));
  working_.reset();
  strays_.clear();
}

const std::vector<std::string>& Context::known_regions() {
  auto it = regions_.find(env().identity_key());
  if (it != regions_.end()) return it->second;
  std::vector<std::string> found;
  try {
    found = ec2().describe_regions();
  } catch (const Error& e) {
    log::debug("regions for completion: {}", e.what());
  }
  return regions_[env().identity_key()] = std::move(found);
}

bool Context::have_nodes() const { return working_.has_value() || cache_.count(key(region())) > 0; }

namespace {
select::Target parse_target(const std::string& target) {
  select::Target t;
  std::string err;
  if (!select::parse(target, &t, &err))
    throw Error(fmt::format("bad target '{}': {}", target, err));
  return t;
}
}  // namespace

std::vector<const Node*> Context::select(const std::string& target) {
  select::Target t = parse_target(target);
  return select(t);
}

std::vector<const Node*> Context::select(select::Target& t) {
  bind_result_sets(t, sessions().last_command());  // :failed, :ok
  const Nodes& all = nodes();
  std::vector<const Node*> out;
  for (size_t i : select::select(t, all)) out.push_back(&all[i]);
  return out;
}

bool Context::selects_any(const std::string& target) {
  select::Target t;
  std::string err;
  if (!select::parse(target, &t, &err)) return false;
  const Nodes& all = nodes();
  return std::any_of(all.begin(), all.end(), [&](const Node& n) { return t.matches(n); });
}

std::vector<const Node*> Context::select_running(const std::string& target) {
  select::Target t = parse_target(target);
  return select_running(t);
}

std::vector<const Node*> Context::select_running(select::Target& t) {
  const std::string& target = t.text();
  std::vector<const Node*> running;
  std::vector<std::string> skipped;
  std::vector<const Node*> not_running;
  for (const Node* n : select(t)) (n->state == "running" ? running : not_running).push_back(n);
  skipped = labels(not_running);
  if (!skipped.empty())
    printer_.err(fmt::format("skipping {} node{} not running: {}\n", skipped.size(),
                             skipped.size() == 1 ? "" : "s", fold_names(skipped)));
  if (running.empty())
    throw Error(target.empty() ? std::string("no running nodes")
                               : fmt::format("no running node matches '{}'", target));
  return running;
}

std::vector<std::string> Context::labels(const std::vector<const Node*>& some) {
  std::vector<std::string> out = display_names(some, &nodes());
  for (size_t i = 0; i < some.size(); ++i)
    if (out[i].empty()) out[i] = some[i]->label();
  return out;
}

}  // namespace dust::shell
