// The ssh_config reader (ssh_config_reader.h): OpenSSH 9.2's process_config_line,
// match_cfg_line and read_config_file_depth, without any I/O of its own.
#include "ssh/ssh_config_reader.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "ssh/ssh_config_keywords.h"
#include "ssh/ssh_config_lex.h"
#include "ssh/ssh_config_values.h"
#include "util/error.h"

namespace dust::ssh::cfg {

bool Reader::read_file(const std::string& path, int flags, bool& active, int depth) {
  if (depth < 0 || depth > kMaxIncludeDepth)
    throw Fatal{"Too many recursive configuration includes"};
  if (++files_read > kMaxFilesRead)
    throw Fatal{"Too many configuration files included (over " + std::to_string(kMaxFilesRead) +
                ")"};
  SshConfigEnv::File f = env_.read(path, flags & kCheckPerm);
  if (!f.error.empty()) throw Fatal{f.error};
  if (!f.exists) return false;
  int bad = 0;
  std::string first_error;
  size_t pos = 0;
  int linenum = 0;
  while (pos < f.text.size()) {
    size_t nl = f.text.find('\n', pos);
    line_.assign(f.text, pos, nl == std::string::npos ? std::string::npos : nl - pos + 1);
    pos = nl == std::string::npos ? f.text.size() : nl + 1;
    ++linenum;
    std::string err = process_line(line_, path, linenum, active, flags, depth);
    if (!err.empty()) {
      if (first_error.empty()) first_error = err;
      ++bad;
    }
  }
  if (bad)
    throw Fatal{first_error + " (ssh: terminating, " + std::to_string(bad) +
                " bad configuration option" + (bad > 1 ? "s)" : ")")};
  return true;
}

std::string Reader::process_line(std::string& line, const std::string& file, int linenum,
                                 bool& active, int flags, int depth) {
  // Strip trailing whitespace (and \f), but never the first character.
  size_t len = line.size();
  if (len == 0) return "";
  for (len--; len > 0; len--) {
    if (!std::strchr(" \t\r\n\f", line[len])) break;
    line.resize(len);
  }
  size_t pos = 0;
  auto kwopt = strdelim(line, pos);
  if (!kwopt) return "";
  std::string keyword = *kwopt;
  if (keyword.empty()) {
    kwopt = strdelim(line, pos);
    if (!kwopt) return "";
    keyword = *kwopt;
  }
  if (keyword.empty() || keyword[0] == '\n' || keyword[0] == '#') return "";
  keyword = lower(keyword);
  std::string str;
  if (pos != std::string::npos) {
    size_t p = line.find_first_not_of(kWhitespace, pos);
    str = p == std::string::npos ? "" : line.substr(p);
  }
  // The message prefix, built only for a line in error.
  struct At {
    const std::string& file;
    int line;
    std::string operator+(const std::string& m) const {
      return file + " line " + std::to_string(line) + ": " + m;
    }
  } at{file, linenum};
  if (str.empty()) return at + "no argument after keyword \"" + keyword + "\"";
  Kw kind = keyword_kind(keyword);
  if (kind == Kw::Unknown) {
    if (st_.ignore_unknown && match_pattern_list(keyword, *st_.ignore_unknown, true) == 1)
      return "";
    return file + ": line " + std::to_string(linenum) + ": Bad configuration option: " + keyword;
  }
  // The words, in a buffer kept across lines (the reader is hot in the fuzzer).
  std::vector<std::string>& av = av_;
  if (!argv_split(str, av)) return at + "invalid quotes";
  size_t ai = 0;
  auto next = [&]() -> const std::string* { return ai < av.size() ? &av[ai++] : nullptr; };
  auto consume = [&] { ai = av.size(); };
  bool act = active;
  if (act && kind != Kw::Host && kind != Kw::Match && kind != Kw::Include && (flags & kUserConf))
    st_.user_set.insert(keyword);

  switch (kind) {
    case Kw::Unknown:
    case Kw::Ignore:
      consume();
      break;
    case Kw::Host: {
      active = false;
      while (const std::string* a = next()) {
        if (a->empty()) return at + "keyword " + keyword + " empty argument";
        if (flags & kNeverMatch) {
          consume();
          break;
        }
        bool neg = (*a)[0] == '!';
        const char* pat = a->c_str() + (neg ? 1 : 0);
        if (match_pattern(host.c_str(), pat)) {
          if (neg) {
            active = false;
            consume();
            break;
          }
          active = true;
        }
      }
      break;
    }
    case Kw::Match: {
      std::string rest;
      int r = match_line(str, rest, file, linenum);
      if (r < 0) return at + "Bad Match condition";
      active = (flags & kNeverMatch) ? false : r == 1;
      if (rest.empty()) consume();
      break;
    }
    case Kw::Include: {
      // The words are copied: reading the included files reuses the line buffers.
      const std::vector<std::string> args(av.begin(), av.end());
      for (const std::string& a : args) {
        if (a.empty()) return at + "keyword " + keyword + " empty argument";
        if (a[0] == '~' && !(flags & kUserConf)) return at + "bad include path " + a + ".";
        std::string pattern;
        if (a[0] != '/' && a[0] != '~')
          pattern = ((flags & kUserConf) ? "~/.ssh/" : "/etc/ssh/") + a;
        else
          pattern = a;
        pattern = tilde_expand(pattern, env_);
        bool oactive = active;
        for (const std::string& path : env_.glob(pattern)) {
          read_file(path, flags | kCheckPerm | (oactive ? 0 : kNeverMatch), active, depth + 1);
          active = oactive;  // a Match in the included file does not leak out
        }
      }
      return "";
    }
    case Kw::Hostname:
    case Kw::User:
    case Kw::HostKeyAlias:
    case Kw::IgnoreUnknown: {
      const std::string* a = next();
      if (!a || a->empty()) return at + "Missing argument.";
      auto& slot = kind == Kw::Hostname       ? st_.hostname
                   : kind == Kw::User         ? st_.user
                   : kind == Kw::HostKeyAlias ? st_.host_key_alias
                                              : st_.ignore_unknown;
      set_first(slot, *a, act);
      break;
    }
    case Kw::Port: {
      const std::string* a = next();
      if (!a || a->empty()) return at + "Missing argument.";
      long v;
      int p = parse_int(*a, 0, 65535, &v) ? static_cast<int>(v)
                                          : (env_.service_port ? env_.service_port(*a) : -1);
      if (p <= 0) return at + "Bad port '" + *a + "'.";
      set_first(st_.port, p, act);
      break;
    }
    case Kw::IdentityFile:
    case Kw::CertificateFile: {
      const std::string* a = next();
      if (!a || a->empty()) return at + "Missing argument.";
      if (act) {
        auto& list = kind == Kw::IdentityFile ? st_.identity_files : st_.certificate_files;
        if (list.size() >= kMaxIdentityFiles) return at + "Too many identity files specified";
        if (std::find(list.begin(), list.end(), *a) == list.end()) list.push_back(*a);
      }
      break;
    }
    case Kw::UserKnownHostsFile:
    case Kw::CanonicalDomains:
    case Kw::List: {
      std::vector<std::string> vals;
      while (const std::string* a = next()) {
        if (a->empty()) return at + "keyword " + keyword + " empty argument";
        if (kind == Kw::UserKnownHostsFile && lower(*a) == "none" &&
            (!vals.empty() || ai < av.size()))
          return at + "keyword " + keyword + " \"none\" argument must appear alone.";
        vals.push_back(*a);
      }
      if (vals.empty()) return at + "Missing argument.";
      if (kind == Kw::UserKnownHostsFile)
        set_first(st_.user_known_hosts, vals, act);
      else if (kind == Kw::CanonicalDomains)
        set_first(st_.canonical_domains, vals, act);
      else if (act && !st_.other.count(keyword))
        st_.other[keyword] = vals;
      break;
    }
    case Kw::StrictHostKeyChecking: {
      const std::string* a = next();
      std::string l = a ? lower(*a) : "";
      int v = l == "true" || l == "yes"                 ? 1
              : l == "false" || l == "no" || l == "off" ? 0
              : l == "ask"                              ? 2
              : l == "accept-new"                       ? 3
                                                        : -1;
      if (v < 0) return at + "unsupported option \"" + (a ? *a : "") + "\".";
      set_first(st_.strict, v, act);
      break;
    }
    case Kw::ConnectTimeout:
    case Kw::Time: {
      const std::string* a = next();
      if (!a || a->empty()) return at + "missing time value.";
      long v = *a == "none" ? -1 : convtime(*a);
      if (v == -1 && *a != "none") return at + "invalid time value.";
      if (kind == Kw::ConnectTimeout)
        set_first(st_.connect_timeout, static_cast<int>(v), act);
      else if (act && !st_.other.count(keyword))
        st_.other[keyword] = {std::to_string(v)};
      break;
    }
    case Kw::ProxyJump:
    case Kw::ProxyCommand:
    case Kw::RestOfLine: {
      size_t skip = str.find_first_not_of(" \t\r\n=");
      std::string value = skip == std::string::npos ? "" : str.substr(skip);
      if (kind == Kw::ProxyJump) {
        // ssh 9.2 as built here takes the first word only (`ProxyJump j1 ,j2` is j1; checked
        // against ssh -G), the rest of the line ignored.
        if (!av.empty()) value = av[0];
        if (!proxy_jump(value, act)) return at + "Invalid ProxyJump \"" + value + "\"";
      } else if (kind == Kw::ProxyCommand) {
        // ssh ignores ProxyCommand once a ProxyJump is set (9.2 as built here: not after
        // `ProxyJump none`, checked against ssh -G).
        if (act && !st_.proxy_command && !(st_.jump && !st_.jump->host.empty()))
          st_.proxy_command = value;
      } else if (act && !st_.other.count(keyword)) {
        st_.other[keyword] = {value};
      }
      consume();
      break;
    }
    case Kw::IdentityAgent: {
      const std::string* a = next();
      if (!a || a->empty()) return at + "Missing argument.";
      std::string err;
      std::function<std::optional<std::string>(const std::string&)> anyenv =
          [](const std::string&) { return std::optional<std::string>(""); };
      if (!percent_expand(*a, {}, &err, &anyenv) && a->find("${") != std::string::npos)
        return at + "Invalid environment expansion " + *a + ".";
      if ((*a)[0] == '$' && a->size() > 1 && (*a)[1] != '{') {
        bool valid = std::all_of(a->begin() + 1, a->end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        });
        if (!valid || std::isdigit(static_cast<unsigned char>((*a)[1])))
          return at + "Invalid environment name " + *a + ".";
      }
      set_first(st_.identity_agent, *a, act);
      break;
    }
    case Kw::IdentitiesOnly:
    case Kw::BatchMode:
    case Kw::CanonicalizeFallbackLocal:
    case Kw::Flag: {
      const std::string* a = next();
      int v = a ? parse_flag(*a) : -1;
      if (v < 0) return at + "unsupported option \"" + (a ? *a : "") + "\".";
      if (kind == Kw::IdentitiesOnly)
        set_first(st_.identities_only, v, act);
      else if (kind == Kw::BatchMode)
        set_first(st_.batch_mode, v, act);
      else if (kind == Kw::CanonicalizeFallbackLocal)
        set_first(st_.fallback_local, v, act);
      else if (act && !st_.other.count(keyword))
        st_.other[keyword] = {*a};
      break;
    }
    case Kw::CanonicalizeHostname: {
      const std::string* a = next();
      std::string l = a ? lower(*a) : "";
      int v = l == "yes" || l == "true"   ? 1
              : l == "no" || l == "false" ? 0
              : l == "always"             ? 2
                                          : -1;
      if (v < 0) return at + "unsupported option \"" + (a ? *a : "") + "\".";
      set_first(st_.canonicalize, v, act);
      break;
    }
    case Kw::CanonicalizeMaxDots:
    case Kw::Int: {
      const std::string* a = next();
      long v;
      if (!a || !parse_int(*a, INT_MIN, INT_MAX, &v)) return at + "integer value invalid.";
      if (kind == Kw::CanonicalizeMaxDots)
        set_first(st_.max_dots, static_cast<int>(v), act);
      else if (act && !st_.other.count(keyword))
        st_.other[keyword] = {*a};
      break;
    }
    case Kw::Single: {
      const std::string* a = next();
      if (!a || a->empty()) return at + "Missing argument.";
      if (act && !st_.other.count(keyword)) st_.other[keyword] = {*a};
      break;
    }
    case Kw::OneOrTwo:
    case Kw::Forward: {
      std::vector<std::string> vals;
      while (const std::string* a = next()) vals.push_back(*a);
      if (vals.empty() || vals.size() > 2) return at + "Missing or extra argument.";
      if (act) {
        if (kind == Kw::Forward) {
          auto& v = st_.other[keyword];
          std::string joined = vals[0] + (vals.size() > 1 ? " " + vals[1] : "");
          v.push_back(joined);
        } else if (!st_.other.count(keyword)) {
          st_.other[keyword] = vals;
        }
      }
      break;
    }
    case Kw::Accumulate: {
      bool any = false;
      while (const std::string* a = next()) {
        if (a->empty()) return at + "keyword " + keyword + " empty argument";
        any = true;
        if (act) st_.other[keyword].push_back(*a);
      }
      if (!any) return at + "Missing argument.";
      break;
    }
  }
  if (ai < av.size()) return at + "keyword " + keyword + " extra arguments at end of line";
  return "";
}

bool Reader::proxy_jump(const std::string& value, bool act) {
  std::string s = value;
  if (size_t hash = s.find('#'); hash != std::string::npos) s.resize(hash);
  while (!s.empty() && std::strchr(kWhitespace, s.back())) s.pop_back();
  bool active = act && !st_.proxy_command && !st_.jump;
  if (lower(value) != "none") {
    // Hops are checked right to left; only the last one is kept apart.
    std::string rest = s;
    bool first = true;
    Jump j;
    for (;;) {
      size_t comma = rest.rfind(',');
      std::string hop = comma == std::string::npos ? rest : rest.substr(comma + 1);
      std::string u, h;
      int p = -1;
      int r = parse_ssh_uri(hop, &u, &h, &p);
      if (r == -1 || (r == 1 && !parse_hop(hop, &u, &h, &p))) return false;
      if (first) j.user = u, j.host = h, j.port = p, first = false;
      if (comma == std::string::npos) break;
      rest.resize(comma);
    }
    if (active) {
      if (size_t comma = value.rfind(','); comma != std::string::npos && comma != 0)
        j.extra = value.substr(0, comma);
      st_.jump = j;
      st_.proxy_command = "none";
    }
  } else if (active) {
    st_.jump = Jump{};  // "none": no jump, and no later ProxyJump either
  }
  return true;
}

int Reader::match_line(const std::string& condition, std::string& rest, const std::string&, int) {
  int port = st_.port.value_or(22);
  std::string ruser = st_.user.value_or(pw_name);
  std::string h;
  if (final_pass) {
    h = st_.hostname.value_or(host);
  } else if (st_.hostname) {
    std::string err;
    auto e = percent_expand(*st_.hostname, {{'h', host}}, &err);
    if (!e) throw Fatal{"percent_expand: " + err};
    h = *e;
  } else {
    h = host;
  }
  size_t pos = 0;
  int result = 1, attributes = 0;
  std::string cond = condition;
  for (;;) {
    auto attr = strdelim(cond, pos);
    if (!attr || attr->empty()) break;
    if ((*attr)[0] == '#') {
      pos = std::string::npos;
      break;
    }
    std::string a = *attr;
    bool negate = a[0] == '!';
    if (negate) a.erase(0, 1);
    std::string la = lower(a);
    if (la == "all") {
      auto arg = strdelim(cond, pos);
      if (attributes > 1 || (arg && !arg->empty() && (*arg)[0] != '#')) return -1;
      if (arg && !arg->empty() && (*arg)[0] == '#') pos = std::string::npos;
      if (result) result = negate ? 0 : 1;
      rest = pos == std::string::npos ? "" : cond.substr(pos);
      return result;
    }
    attributes++;
    if (la == "canonical" || la == "final") {
      if (la == "final") want_final = true;
      if (final_pass == negate) result = 0;
      continue;
    }
    auto arg = strdelim(cond, pos);
    if (!arg || arg->empty() || (*arg)[0] == '#') return -1;
    bool r;
    if (la == "host") {
      r = match_hostname(h, *arg);
    } else if (la == "originalhost") {
      r = match_hostname(original, *arg);
    } else if (la == "user") {
      r = match_pattern_list(ruser, *arg, false) == 1;
    } else if (la == "localuser") {
      r = match_pattern_list(pw_name, *arg, false) == 1;
    } else if (la == "exec") {
      std::string shorthost = env_.hostname.substr(0, env_.hostname.find('.'));
      std::string portstr = std::to_string(port);
      std::map<char, std::string> t{{'C', sha1_hex(env_.hostname + h + portstr + ruser)},
                                    {'L', shorthost},
                                    {'d', env_.home},
                                    {'h', h},
                                    {'k', st_.host_key_alias.value_or(h)},
                                    {'l', env_.hostname},
                                    {'n', original},
                                    {'p', portstr},
                                    {'r', ruser},
                                    {'u', pw_name},
                                    {'i', env_.uid}};
      std::string err;
      auto cmd = percent_expand(*arg, t, &err);
      if (!cmd) throw Fatal{"percent_expand: " + err};
      if (result != 1) continue;  // skipped when an earlier criterion failed
      int status = env_.exec ? env_.exec(*cmd) : -1;
      if (status == -1) throw Fatal{"match exec '" + *cmd + "' error"};
      r = status == 0;
    } else {
      return -1;
    }
    if (r == negate) result = 0;
  }
  if (attributes == 0) return -1;
  rest = pos == std::string::npos ? "" : cond.substr(pos);
  return result;
}

void read_configs(Reader& rd, const SshConfigRequest& req, const SshConfigEnv& env, bool final) {
  int f = final ? kFinal : 0;
  rd.final_pass = final;
  rd.files_read = 0;
  bool active = true;
  if (!req.config_file.empty()) {
    if (lower(req.config_file) == "none") return;
    if (!rd.read_file(req.config_file, kUserConf | f, active, 0))
      throw Fatal{"Can't open user config file " + req.config_file + ": No such file or directory"};
    return;
  }
  rd.read_file(env.home + "/.ssh/config", kUserConf | kCheckPerm | f, active, 0);
  active = true;
  if (!env.system_config.empty()) rd.read_file(env.system_config, f, active, 0);
}

}  // namespace dust::ssh::cfg
