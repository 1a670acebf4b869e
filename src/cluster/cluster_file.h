// Cluster files, $DUST_HOME/clusters/<name>.yaml (PRODUCT.md §4, the original's format): which
// instances of a region form a cluster, their friendly names and how to reach them over ssh.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace dust::cluster {

// How to reach a node over ssh; empty/0 = not set (fall back to the cluster, then ssh config).
struct SshSettings {
  std::string username;
  std::string keyfile;
  std::string address;  // public|private|dns or a literal host
  std::string proxy_jump;
  int port = 0;
};

struct FileNode {
  std::string nodename;
  std::string selector;  // a target: "tags=name:master", "id=i-92aeaf08"
  SshSettings ssh;
  int line = 0;  // 1-based line in the file it was read from (0 = not read from a file)
};

struct ClusterFile {
  std::string provider = "ec2";
  std::string region;
  std::string name;
  std::string filter;    // a target selecting the region's instances that may belong; "" = all
  SshSettings defaults;  // cluster-level username/keyfile/port/address/proxy_jump
  std::vector<FileNode> nodes;

  std::string path;                   // where it was read from, for messages ("" if built)
  std::vector<std::string> warnings;  // unknown keys, kept for compatibility but worth a warning
};

// Parses a cluster file's text; `file` names it in errors ("file:line: key: message").
// Required: cloud.region, cluster.name, each node's nodename and selector.
ClusterFile parse_cluster_file(std::string_view text, const std::string& file);
// Renders the original's format: flow mappings, one line per node.
std::string to_yaml(const ClusterFile& c);

// True for names usable as a file name: a letter or digit, then letters, digits, '-', '_' or '.'
// (so no '/', no leading '.'), at most 128 characters.
bool valid_cluster_name(std::string_view name);
// What is wrong with `name` for a new cluster, or "": not a valid file name, or shaped like an AWS
// region (us-east-1, us-gov-west-1), which would make `use NAME` and prompts ambiguous.
std::string new_cluster_name_problem(std::string_view name);

std::string clusters_dir();                         // $DUST_HOME/clusters
std::string cluster_path(const std::string& name);  // $DUST_HOME/clusters/<name>.yaml

ClusterFile read_cluster_file(const std::string& path);
// Atomic write; creates $DUST_HOME and clusters/ if needed.
void write_cluster_file(const std::string& path, const ClusterFile& c);

ClusterFile load_cluster(
    const std::string& name);  // read_cluster_file(cluster_path(name)), clear error if none
void save_cluster(const ClusterFile& c);  // write_cluster_file(cluster_path(c.name), c)
bool cluster_exists(const std::string& name);
void remove_cluster(const std::string& name);  // deletes the file; error if missing

struct ClusterEntry {
  std::string name;    // file stem, what `use <name>` takes
  std::string region;  // "" when the file could not be read
  std::string path;
  std::string error;  // why it could not be read, else ""
};
// Every *.yaml in dir, sorted by region then name; unreadable files are listed with their error.
std::vector<ClusterEntry> list_clusters(const std::string& dir);
std::vector<ClusterEntry> list_clusters();

}  // namespace dust::cluster
