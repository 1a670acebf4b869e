// Cluster files: parse, render, read/write atomically, list.
#include "cluster/cluster_file.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "cluster/yaml_reader.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/paths.h"

namespace dust::cluster {

namespace {

const std::vector<std::string> kSshKeys = {"username", "keyfile", "port", "address", "proxy_jump"};

std::vector<std::string> with_ssh_keys(std::vector<std::string> keys) {
  keys.insert(keys.end(), kSshKeys.begin(), kSshKeys.end());
  return keys;
}

SshSettings read_ssh(const MapReader& r) {
  SshSettings s;
  s.username = r.opt_str("username").value_or("");
  s.keyfile = r.opt_str("keyfile").value_or("");
  s.address = r.opt_str("address").value_or("");
  s.proxy_jump = r.opt_str("proxy_jump").value_or("");
  if (auto port = r.opt_int("port")) {
    if (*port < 1 || *port > 65535) r.fail("port", "must be between 1 and 65535");
    s.port = static_cast<int>(*port);
  }
  return s;
}

void emit_ssh(YAML::Emitter& out, const SshSettings& s) {
  if (!s.username.empty()) out << YAML::Key << "username" << YAML::Value << s.username;
  if (!s.keyfile.empty()) out << YAML::Key << "keyfile" << YAML::Value << s.keyfile;
  if (s.port != 0) out << YAML::Key << "port" << YAML::Value << s.port;
  if (!s.address.empty()) out << YAML::Key << "address" << YAML::Value << s.address;
  if (!s.proxy_jump.empty()) out << YAML::Key << "proxy_jump" << YAML::Value << s.proxy_jump;
}

void append(std::vector<std::string>& to, const std::vector<std::string>& from) {
  to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

ClusterFile parse_cluster_file(std::string_view text, const std::string& file) {
  YAML::Node root = load_yaml(text, file);
  // Unknown keys are warnings, not errors: files written by the original may carry extra keys.
  MapReader top(root, file, "", {"cloud", "cluster", "nodes"}, false);
  ClusterFile c;
  c.path = file;
  append(c.warnings, top.unknown());

  MapReader cloud(top.map("cloud"), file, "cloud", {"provider", "region"}, false);
  append(c.warnings, cloud.unknown());
  c.provider = cloud.opt_str("provider").value_or("ec2");
  if (c.provider != "ec2")
    cloud.fail("provider", "only 'ec2' is supported, not '" + c.provider + "'");
  c.region = cloud.str("region");

  MapReader cl(top.map("cluster"), file, "cluster", with_ssh_keys({"name", "filter"}), false);
  append(c.warnings, cl.unknown());
  c.name = cl.str("name");
  if (!valid_cluster_name(c.name))
    cl.fail("name",
            "'" + c.name + "' is not a valid cluster name (letters, digits, '-', '_', '.')");
  c.filter = cl.opt_str("filter").value_or("");
  c.defaults = read_ssh(cl);

  if (top.has("nodes")) {
    YAML::Node nodes = top.seq("nodes");
    for (size_t i = 0; i < nodes.size(); ++i) {
      MapReader n(nodes[i], file, "nodes[" + std::to_string(i) + "]",
                  with_ssh_keys({"nodename", "selector"}), false);
      append(c.warnings, n.unknown());
      FileNode fn;
      fn.nodename = n.str("nodename");
      if (fn.nodename.empty()) n.fail("nodename", "must not be empty");
      fn.selector = n.str("selector");
      if (fn.selector.empty()) n.fail("selector", "must not be empty");
      fn.ssh = read_ssh(n);
      fn.line = n.mark().line + 1;
      c.nodes.push_back(std::move(fn));
    }
  }
  return c;
}

std::string to_yaml(const ClusterFile& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "cloud" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "provider" << YAML::Value << c.provider;
  out << YAML::Key << "region" << YAML::Value << c.region;
  out << YAML::EndMap;
  out << YAML::Key << "cluster" << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << c.name;
  // Targets are quoted as in the original: they hold ':' and '*' which read badly unquoted.
  if (!c.filter.empty())
    out << YAML::Key << "filter" << YAML::Value << YAML::DoubleQuoted << c.filter;
  emit_ssh(out, c.defaults);
  out << YAML::EndMap;
  out << YAML::Key << "nodes" << YAML::Value << YAML::BeginSeq;
  for (const auto& n : c.nodes) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "nodename" << YAML::Value << n.nodename;
    out << YAML::Key << "selector" << YAML::Value << YAML::DoubleQuoted << n.selector;
    emit_ssh(out, n.ssh);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  out << YAML::EndMap;
  if (!out.good()) throw Error("cannot render cluster " + c.name + ": " + out.GetLastError());
  return std::string(out.c_str()) + "\n";
}

bool valid_cluster_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || !isalnum(static_cast<unsigned char>(name[0])))
    return false;
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '.';
  });
}

std::string new_cluster_name_problem(std::string_view name) {
  if (!valid_cluster_name(name))
    return fmt::format(
        "'{}' is not a valid cluster name (a letter or digit, then letters, digits, "
        "'-', '_', '.')",
        name);
  // <2 letters>-<word>[-<word>…]-<digits>: the shape of every AWS region name.
  size_t first = name.find('-'), last = name.rfind('-');
  auto letters = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  };
  auto digits = [](std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  bool region_like =
      first == 2 && last != first && letters(name.substr(0, 2)) && digits(name.substr(last + 1));
  for (size_t i = first + 1; region_like && i < last;) {
    size_t next = name.find('-', i);
    region_like = letters(name.substr(i, next - i));
    i = next + 1;
  }
  if (region_like)
    return fmt::format(
        "'{}' is named like an AWS region: `use {}` would be ambiguous; choose "
        "another cluster name",
        name, name);
  return "";
}

std::string clusters_dir() { return paths::join(paths::dust_home(), "clusters"); }

std::string cluster_path(const std::string& name) {
  if (!valid_cluster_name(name)) throw Error("'" + name + "' is not a valid cluster name");
  return paths::join(clusters_dir(), name + ".yaml");
}

ClusterFile read_cluster_file(const std::string& path) {
  return parse_cluster_file(util::read_file(path), path);
}

void write_cluster_file(const std::string& path, const ClusterFile& c) {
  std::string text = to_yaml(c);
  // Refuse to write what we could not read back: a bad value must not reach the disk.
  parse_cluster_file(text, path);
  auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    std::string dir = path.substr(0, slash);
    if (!paths::is_dir(dir)) {
      paths::ensure_dust_home();
      if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        throw Error("cannot create " + dir + ": " + std::strerror(errno));
    }
  }
  util::write_file_atomic(path, text, 0600);
}

bool cluster_exists(const std::string& name) { return paths::exists(cluster_path(name)); }

ClusterFile load_cluster(const std::string& name) {
  std::string p = cluster_path(name);
  if (!paths::exists(p)) throw Error("no cluster named '" + name + "' (no file " + p + ")");
  return read_cluster_file(p);
}

void save_cluster(const ClusterFile& c) { write_cluster_file(cluster_path(c.name), c); }

void remove_cluster(const std::string& name) {
  std::string p = cluster_path(name);
  if (unlink(p.c_str()) != 0) throw Error("cannot remove " + p + ": " + std::strerror(errno));
}

std::vector<ClusterEntry> list_clusters(const std::string& dir) {
  std::vector<ClusterEntry> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;  // no clusters yet
  while (dirent* e = readdir(d)) {
    std::string f = e->d_name;
    const std::string ext = ".yaml";
    if (f.size() <= ext.size() || f.compare(f.size() - ext.size(), ext.size(), ext) != 0) continue;
    ClusterEntry ce;
    ce.name = f.substr(0, f.size() - ext.size());
    if (!valid_cluster_name(ce.name)) continue;  // e.g. ".x.yaml"; never a cluster dust wrote
    ce.path = paths::join(dir, f);
    try {
      ce.region = read_cluster_file(ce.path).region;
    } catch (const Error& err) {
      ce.error = err.what();
    }
    out.push_back(std::move(ce));
  }
  closedir(d);
  std::sort(out.begin(), out.end(), [](const ClusterEntry& a, const ClusterEntry& b) {
    return std::tie(a.region, a.name) < std::tie(b.region, b.name);
  });
  return out;
}

std::vector<ClusterEntry> list_clusters() { return list_clusters(clusters_dir()); }

}  // namespace dust::cluster
