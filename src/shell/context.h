// The live state every command sees: settings, working set (region or cluster), node cache, AWS
// clients, output, the terminal. Commands never print straight to stdout; they use ctx.out(), and
// ask questions through ctx.terminal().
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cloud/aws_config.h"
#include "cluster/cluster_file.h"
#include "model/node.h"
#include "shell/client_io.h"
#include "shell/config.h"
#include "shell/printer.h"
#include "shell/terminal.h"
#include "util/event_loop.h"

namespace dust::select {
class Target;
}

namespace dust::cloud {
class Ec2Api;
class CloudFormationApi;
}  // namespace dust::cloud

namespace dust::shell {

class Sessions;
class Attachments;

enum class Mode { Interactive, OneShot, Script };

class Context {
 public:
  Context(Config config, Mode mode, bool assume_yes, bool json);
  ~Context();

  EventLoop& loop() { return loop_; }
  Printer& out() { return printer_; }
  // The terminal's owner: questions (confirm/ask), and the hold a command takes while it runs.
  Terminal& terminal() { return terminal_; }
  const Config& config() const { return config_; }
  Config& mutable_config() { return config_; }  // settings commands (`output`) change it
  Mode mode() const { return mode_; }
  bool interactive() const { return mode_ == Mode::Interactive; }
  bool json() const { return json_; }
  bool assume_yes() const { return assume_yes_; }
  // The ssh sessions and the node output path (see sessions.h).
  Sessions& sessions() { return *sessions_; }
  // A dust server's view of the client whose line runs (attachments.h); nullptr in one process.
  Attachments* attachments() const { return attachments_; }
  void set_attachments(Attachments* a) { attachments_ = a; }
  // A server runs each client's lines as that client runs dust: interactive, one-shot or script,
  // with its own --json and --yes.
  void set_request(Mode mode, bool json, bool assume_yes);
  // The client this line is served for (client_io.h): its environment, terminal, questions and
  // local commands. In one process, this process; a server sets the connection's (nullptr: back).
  ClientIo& client() { return *client_; }
  LocalClientIo& own_client() { return self_; }  // this process as its own client
  void set_client(ClientIo* c);
  const Environment& env() const { return client_->env(); }
  // A local path as the client means it: `~` expanded, relative to the client's directory.
  std::string local_path(const std::string& p) const;

  // What `use` and `output` change, per client in a server (docs/server.md): swapped in while its
  // line runs. An empty region means "the client's environment decides" (AWS_REGION, profile,
  // config.yaml); no output settings mean config.yaml's.
  struct WorkingSet {
    std::string region;
    std::string cluster_name;
    std::optional<cluster::ClusterFile> cluster;
    std::optional<std::pair<bool, bool>> output;  // output gather|live, diff on|off
  };
  WorkingSet take_working_set();
  void set_working_set(WorkingSet w);

  // Working set ------------------------------------------------------------
  const std::string& region() const;      // resolved lazily from the AWS chain
  void set_region(const std::string& r);  // `use <region>`: drops cluster, keeps caches
  // `use cluster <name>`: reads the cluster file, switches to its region; nodes() becomes the
  // cluster's nodes under their friendly names. Throws dust::Error if the file is missing/bad.
  void use_cluster(const std::string& name);
  const std::string& cluster_name() const { return cluster_name_; }
  const cluster::ClusterFile* cluster() const { return cluster_ ? &*cluster_ : nullptr; }
  // Instances of the cluster's filter that its file does not name (cluster in use only).
  const Nodes& strays();
  std::string prompt() const;  // "dust:<cluster or region>$ "

  // Nodes of the working set (cached per region; fetched on first use or after invalidate()).
  // Region view: the region's instances, each with Node::cluster set when a cluster file of this
  // region claims it. Cluster view: the cluster's nodes (absent ones included).
  const Nodes& nodes();
  void invalidate();  // drop this region's cache (after mutations, refresh)
  // Before a command that connects to what `target` selects (the dispatcher): when this region's
  // nodes are not known yet and the disk cache (node_cache.h) knows nodes the target selects, EC2
  // is asked on a thread while the loop connects to those, held at the key exchange; the fresh
  // answer then confirms or closes each (Pool::prepare/confirm) and becomes nodes(), as if fetched
  // in place. A cold one-shot's logins thus overlap its DescribeInstances round trips.
  void fetch_nodes_overlapped(select::Target& target);
  bool have_nodes() const;  // cache present (for completion without API calls)
  // Changes each time the working set is rebuilt (use, refresh, after mutations): whoever derives
  // something from nodes() (node labels) knows when to derive it again.
  uint64_t generation() const { return generation_; }
  // Region names for completion: asked once per session (DescribeRegions), then kept; [] on error.
  const std::vector<std::string>& known_regions();
  // Resolves a target against the working set; throws dust::Error on a malformed target.
  std::vector<const Node*> select(const std::string& target);
  // The same for a target already parsed (the dispatcher parses each line's target once); binds
  // its result sets (:failed, :ok) to the last command's outcomes.
  std::vector<const Node*> select(select::Target& target);
  // True when `target` is well formed and selects at least one node (never throws on bad syntax).
  bool selects_any(const std::string& target);
  // The running nodes of a target, for ssh and transfers (PRODUCT.md §2): names the selected nodes
  // that are not running as skipped; throws dust::Error when none is running.
  std::vector<const Node*> select_running(const std::string& target);
  std::vector<const Node*> select_running(select::Target& target);
  // How `nodes` are named everywhere (tables, `[node]` prefixes, messages): display_names() over
  // the whole working set, so a name two nodes share reads "web(i-…)" even when only one of them is
  // selected, and a node outside the working set always carries its id; unnamed nodes by id.
  std::vector<std::string> labels(const std::vector<const Node*>& nodes);

  // Clients -----------------------------------------------------------------
  const cloud::AwsConfig& aws();
  cloud::Ec2Api& ec2() { return ec2(region()); }  // for the current region
  cloud::Ec2Api& ec2(const std::string& region);
  // CloudFormation in `region` (a spec names its own region, which need not be the current one).
  cloud::CloudFormationApi& cfn(const std::string& region);
  // Where the clients come from: by default the AWS Query API clients of the credential chain;
  // tests give in-memory fakes (tests/fakes/fake_ec2.h), so commands run without the network.
  struct CloudClients {
    std::function<std::shared_ptr<cloud::Ec2Api>(const std::string& region)> ec2;
    std::function<std::shared_ptr<cloud::CloudFormationApi>(const std::string& region)> cfn;
  };
  void set_cloud_clients(CloudClients c) { clients_ = std::move(c); }

  bool quit_requested = false;

 private:
  EventLoop loop_;
  Printer printer_;
  Config config_;
  const bool default_gather_, default_diff_;  // config.yaml's, for a client that set none
  Mode mode_;
  bool assume_yes_;
  bool json_;
  Terminal terminal_;
  mutable std::string region_;
  std::string cluster_name_;
  std::optional<cluster::ClusterFile> cluster_;
  std::optional<Nodes> working_;  // derived from cache_ and the cluster state; reset with them
  Nodes strays_;
  uint64_t generation_ = 0;
  LocalClientIo self_{loop_};
  ClientIo* client_ = &self_;
  // Clients, credentials and caches are the identity's (Environment::identity_key) and region's:
  // two clients with other credentials never share them.
  std::map<std::string, cloud::AwsConfig> aws_;  // by identity
  CloudClients clients_;
  Attachments* attachments_ = nullptr;
  std::map<std::string, std::shared_ptr<cloud::Ec2Api>> ec2_;             // by identity+region
  std::map<std::string, std::shared_ptr<cloud::CloudFormationApi>> cfn_;  // by identity+region
  std::map<std::string, Nodes> cache_;                                    // by identity+region
  std::map<std::string, std::vector<std::string>> regions_;               // by identity
  const Nodes& region_nodes();
  std::string key(const std::string& region) const { return env().identity_key() + '\n' + region; }
  // Last member: its sessions are destroyed before the loop and printer they use.
  std::unique_ptr<Sessions> sessions_;
};

}  // namespace dust::shell
