// The ssh_config reader of the resolver (readconf.c process_config_line, match_cfg_line,
// read_config_file_depth): ssh's Options while reading and the line-by-line reader that fills them.
// Internal to the resolver (ssh_config.cpp drives the passes around it).
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "ssh/ssh_config.h"

namespace dust::ssh::cfg {

constexpr int kMaxIncludeDepth = 16;  // READCONF_MAX_DEPTH
// Files read per pass. ssh has no such limit, but a glob that includes itself at every level
// reads k^16 files before the depth limit stops it; dust stops it early instead of hanging.
constexpr int kMaxFilesRead = 256;
constexpr size_t kMaxIdentityFiles = 100;

enum Flags { kUserConf = 1, kCheckPerm = 2, kFinal = 4, kNeverMatch = 8 };

struct Jump {
  std::string host, user, extra;
  int port = -1;
};

// ssh's Options while reading: unset until the first active line sets it.
struct State {
  std::optional<std::string> hostname, user, proxy_command, identity_agent, host_key_alias,
      ignore_unknown;
  std::optional<int> port, connect_timeout, strict, identities_only, batch_mode, canonicalize,
      max_dots, fallback_local;
  std::optional<Jump> jump;
  std::vector<std::string> identity_files, certificate_files;
  std::optional<std::vector<std::string>> user_known_hosts, canonical_domains;
  std::map<std::string, std::vector<std::string>> other;
  std::set<std::string> user_set;
};

class Reader {
 public:
  Reader(const SshConfigEnv& env, State& st) : env_(env), st_(st) {}
  std::string host;      // what Host lines match
  std::string original;  // the host as given (originalhost, %n)
  std::string pw_name;
  bool want_final = false;
  bool final_pass = false;
  int files_read = 0;

  // read_config_file_depth: false when the file does not exist.
  bool read_file(const std::string& path, int flags, bool& active, int depth);

 private:
  const SshConfigEnv& env_;
  State& st_;
  std::string line_;             // the line being read (buffer reused)
  std::vector<std::string> av_;  // its words (buffer reused)

  template <class T>
  void set_first(std::optional<T>& slot, const T& v, bool active) {
    if (active && !slot) slot = v;
  }

  // Returns "" or the line's error (counted as a bad option, as ssh does).
  std::string process_line(std::string& line, const std::string& file, int linenum, bool& active,
                           int flags, int depth);

  bool proxy_jump(const std::string& value, bool act);

  // match_cfg_line: 1 match, 0 no match, -1 error. `rest` keeps what was not consumed.
  int match_line(const std::string& condition, std::string& rest, const std::string&, int);
};

// The user's (or -F) config, then the system one, as one pass of ssh reads them.
void read_configs(Reader& rd, const SshConfigRequest& req, const SshConfigEnv& env, bool final);

}  // namespace dust::ssh::cfg
