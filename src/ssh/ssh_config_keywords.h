// Every keyword OpenSSH 9.2 (Debian's build, GSSAPI included) accepts in ssh_config, with how its
// arguments are read and whether dust applies it. An unknown keyword is an error, as in ssh.
#pragma once
#include <string>

namespace dust::ssh::cfg {

enum class Kw {
  Unknown,
  Ignore,  // accepted, no effect (Protocol, deprecated and unsupported options)
  Host,
  Match,
  Include,
  Hostname,
  User,
  Port,
  IdentityFile,
  CertificateFile,
  UserKnownHostsFile,
  StrictHostKeyChecking,
  ConnectTimeout,
  ProxyJump,
  ProxyCommand,
  IdentityAgent,
  IdentitiesOnly,
  BatchMode,
  CanonicalizeHostname,
  CanonicalDomains,
  CanonicalizeMaxDots,
  CanonicalizeFallbackLocal,
  HostKeyAlias,
  IgnoreUnknown,
  Flag,        // one yes/no/true/false, first wins
  Time,        // one time value (30, 1m, none)
  Int,         // one integer
  Single,      // one word, first wins
  List,        // several words on one line, the first line wins
  Accumulate,  // several words, every active line adds (SendEnv)
  Forward,     // Local/RemoteForward (one or two words), DynamicForward; every line adds
  RestOfLine,  // the rest of the line, unsplit (RemoteCommand, LocalCommand...)
  OneOrTwo,    // RekeyLimit, IPQoS
};

// The kind of a lower-cased keyword; Kw::Unknown when ssh does not know it.
Kw keyword_kind(const std::string& keyword);

// Whether dust applies a keyword's value (else a warning names it once when it is set).
bool dust_applies(const std::string& keyword);

// The keyword as ssh_config(5) spells it, for messages ("serveraliveinterval" →
// ServerAliveInterval).
std::string keyword_name(const std::string& keyword);

}  // namespace dust::ssh::cfg
