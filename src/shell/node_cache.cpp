// Node cache (node_cache.h).
#include "shell/node_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>

#include "cloud/sigv4.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::shell {

namespace {

using nlohmann::json;

constexpr int kVersion = 1;

// The EC2 fields of a node, by name: what DescribeInstances said (cluster files apply on top).
const std::pair<const char*, std::string Node::*> kFields[] = {
    {"name", &Node::name},
    {"id", &Node::id},
    {"state", &Node::state},
    {"instance_type", &Node::instance_type},
    {"image", &Node::image},
    {"key_name", &Node::key_name},
    {"public_ip", &Node::public_ip},
    {"private_ip", &Node::private_ip},
    {"public_dns", &Node::public_dns},
    {"private_dns", &Node::private_dns},
    {"vpc", &Node::vpc},
    {"subnet", &Node::subnet},
    {"az", &Node::az},
    {"launch_time", &Node::launch_time},
};

}  // namespace

std::string node_cache_path(const std::string& identity, const std::string& region) {
  std::string h = cloud::sigv4::sha256_hex(identity + '\0' + region).substr(0, 24);
  return paths::join(paths::join(paths::dust_home(), "cache"), "nodes-" + h + ".json");
}

std::string node_cache_json(const Nodes& nodes) {
  json list = json::array();
  for (const Node& n : nodes) {
    json o;
    for (const auto& [field, member] : kFields) o[field] = n.*member;
    o["groups"] = n.groups;
    json tags = json::array();
    for (const auto& [k, v] : n.tags) tags.push_back(json::array({k, v}));
    o["tags"] = std::move(tags);
    list.push_back(std::move(o));
  }
  // Names and tags are anyone's bytes: replaced, never thrown on, if not UTF-8.
  return json{{"version", kVersion}, {"nodes", std::move(list)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

Nodes parse_node_cache(const std::string& text) {
  Nodes out;
  try {
    json doc = json::parse(text);
    // Compared as JSON values: get<int>() of 1e61 would be undefined (found by fuzz/node_cache).
    if (doc.at("version") != json(kVersion)) throw Error("another version");
    for (const json& o : doc.at("nodes")) {
      Node n;
      for (const auto& [field, member] : kFields) n.*member = o.at(field).get<std::string>();
      n.groups = o.at("groups").get<std::vector<std::string>>();
      for (const json& t : o.at("tags"))
        n.tags.emplace_back(t.at(0).get<std::string>(), t.at(1).get<std::string>());
      out.push_back(std::move(n));
    }
  } catch (const json::exception& e) {
    throw Error(std::string("malformed node cache: ") + e.what());
  }
  return out;
}

void save_node_cache(const std::string& path, const Nodes& nodes) {
  try {
    paths::ensure_dust_home();
    std::string dir = path.substr(0, path.rfind('/'));
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      throw Error("cannot create " + dir + ": " + std::strerror(errno));
    util::write_file_atomic(path, node_cache_json(nodes), 0600);
  } catch (const Error& e) {
    log::debug("node cache not written: {}", e.what());
  }
}

std::optional<Nodes> load_node_cache(const std::string& path, std::chrono::seconds max_age) {
  int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct stat st {};
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
            (st.st_mode & 022) == 0 && std::time(nullptr) - st.st_mtime <= max_age.count() &&
            st.st_size < (64 << 20);
  close(fd);
  if (!ok) return std::nullopt;
  try {
    return parse_node_cache(util::read_file(path));
  } catch (const Error& e) {
    log::debug("node cache {} ignored: {}", path, e.what());
    return std::nullopt;
  }
}

}  // namespace dust::shell
