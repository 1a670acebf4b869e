// The ssh_config keyword table of OpenSSH 9.2 (readconf.c keywords[], plus Debian's GSSAPI
// key-exchange options) and which of them dust applies.
#include "ssh/ssh_config_keywords.h"

#include <cctype>
#include <unordered_map>

namespace dust::ssh::cfg {

namespace {
struct Entry {
  const char* name;  // as ssh_config(5) spells it
  Kw kind;
  bool applied;  // dust honours it (or it has no effect on a non-interactive client)
};

const std::unordered_map<std::string, Entry>& table() {
  static const std::unordered_map<std::string, Entry> t = [] {
    std::unordered_map<std::string, Entry> m;
    auto add = [&](const char* name, Kw kind, bool applied) {
      std::string key;
      for (const char* p = name; *p; ++p) key += static_cast<char>(std::tolower(*p));
      m.emplace(key, Entry{name, kind, applied});
    };
    // Accepted and ignored by ssh itself (deprecated or unsupported): nothing to apply.
    for (const char* n :
         {"Protocol", "Cipher", "FallBackToRsh", "GlobalKnownHostsFile2", "RhostsAuthentication",
          "UserKnownHostsFile2", "UseRoaming", "UseRsh", "UsePrivilegedPort", "AFSTokenPassing",
          "KerberosAuthentication", "KerberosTGTPassing", "RSAAuthentication",
          "RhostsRSAAuthentication", "CompressionLevel"})
      add(n, Kw::Ignore, true);
    add("Host", Kw::Host, true);
    add("Match", Kw::Match, true);
    add("Include", Kw::Include, true);
    add("Hostname", Kw::Hostname, true);
    add("User", Kw::User, true);
    add("Port", Kw::Port, true);
    add("IdentityFile", Kw::IdentityFile, true);
    add("IdentityFile2", Kw::IdentityFile, true);
    add("CertificateFile", Kw::CertificateFile, false);
    add("UserKnownHostsFile", Kw::UserKnownHostsFile, true);
    add("GlobalKnownHostsFile", Kw::List, false);
    add("StrictHostKeyChecking", Kw::StrictHostKeyChecking, true);
    add("ConnectTimeout", Kw::ConnectTimeout, true);
    add("ProxyJump", Kw::ProxyJump, true);
    add("ProxyCommand", Kw::ProxyCommand, true);
    add("IdentityAgent", Kw::IdentityAgent, true);
    add("IdentitiesOnly", Kw::IdentitiesOnly, true);
    add("BatchMode", Kw::BatchMode, true);  // dust never prompts per node
    add("CanonicalizeHostname", Kw::CanonicalizeHostname, true);
    add("CanonicalDomains", Kw::CanonicalDomains, true);
    add("CanonicalizeMaxDots", Kw::CanonicalizeMaxDots, true);
    add("CanonicalizeFallbackLocal", Kw::CanonicalizeFallbackLocal, true);
    add("CanonicalizePermittedCNAMEs", Kw::List, false);
    add("HostKeyAlias", Kw::HostKeyAlias, false);
    add("IgnoreUnknown", Kw::IgnoreUnknown, true);
    // Options with no effect on how dust connects or what it may do: display and logging of
    // the ssh client, which dust replaces with its own.
    add("VisualHostKey", Kw::Flag, true);
    add("EnableEscapeCommandline", Kw::Flag, true);
    add("EscapeChar", Kw::Single, true);
    add("LogLevel", Kw::Single, true);
    add("SyslogFacility", Kw::Single, true);
    add("LogVerbose", Kw::List, true);
    add("PubkeyAuthentication", Kw::Single, true);  // dust authenticates with keys only
    // Flags dust does not apply.
    for (const char* n : {"ForwardX11",
                          "ForwardX11Trusted",
                          "ExitOnForwardFailure",
                          "GatewayPorts",
                          "PasswordAuthentication",
                          "KbdInteractiveAuthentication",
                          "ChallengeResponseAuthentication",
                          "SkeyAuthentication",
                          "TISAuthentication",
                          "HostbasedAuthentication",
                          "CheckHostIP",
                          "TCPKeepAlive",
                          "KeepAlive",
                          "ClearAllForwardings",
                          "EnableSSHKeysign",
                          "NoHostAuthenticationForLocalhost",
                          "HashKnownHosts",
                          "PermitLocalCommand",
                          "StdinNull",
                          "ForkAfterAuthentication",
                          "ProxyUseFdpass",
                          "StreamLocalBindUnlink",
                          "GSSAPIAuthentication",
                          "GSSAPIDelegateCredentials",
                          "GSSAPIKeyExchange",
                          "GSSAPIRenewalForcesRekey",
                          "GSSAPITrustDNS"})
      add(n, Kw::Flag, false);
    for (const char* n : {"ForwardX11Timeout", "ServerAliveInterval"}) add(n, Kw::Time, false);
    for (const char* n : {"ServerAliveCountMax", "ConnectionAttempts", "NumberOfPasswordPrompts",
                          "RequiredRSASize"})
      add(n, Kw::Int, false);
    for (const char* n : {"XAuthLocation",
                          "KbdInteractiveDevices",
                          "DSAAuthentication",
                          "AddKeysToAgent",
                          "ForwardAgent",
                          "Ciphers",
                          "MACs",
                          "Compression",
                          "AddressFamily",
                          "PreferredAuthentications",
                          "HostKeyAlgorithms",
                          "CASignatureAlgorithms",
                          "BindAddress",
                          "BindInterface",
                          "VerifyHostKeyDNS",
                          "ControlPath",
                          "ControlMaster",
                          "ControlPersist",
                          "Tunnel",
                          "TunnelDevice",
                          "KexAlgorithms",
                          "RequestTTY",
                          "SessionType",
                          "StreamLocalBindMask",
                          "RevokedHostKeys",
                          "FingerprintHash",
                          "UpdateHostKeys",
                          "HostbasedAcceptedAlgorithms",
                          "HostbasedKeyTypes",
                          "PubkeyAcceptedAlgorithms",
                          "PubkeyAcceptedKeyTypes",
                          "SecurityKeyProvider",
                          "PKCS11Provider",
                          "SmartcardDevice",
                          "GSSAPIClientIdentity",
                          "GSSAPIServerIdentity",
                          "GSSAPIKexAlgorithms"})
      add(n, Kw::Single, false);
    for (const char* n : {"SetEnv", "PermitRemoteOpen"}) add(n, Kw::List, false);
    add("SendEnv", Kw::Accumulate, false);
    for (const char* n : {"LocalForward", "RemoteForward", "DynamicForward"})
      add(n, Kw::Forward, false);
    for (const char* n : {"RemoteCommand", "LocalCommand", "KnownHostsCommand"})
      add(n, Kw::RestOfLine, false);
    for (const char* n : {"RekeyLimit", "IPQoS"}) add(n, Kw::OneOrTwo, false);
    return m;
  }();
  return t;
}
}  // namespace

Kw keyword_kind(const std::string& keyword) {
  auto it = table().find(keyword);
  return it == table().end() ? Kw::Unknown : it->second.kind;
}

bool dust_applies(const std::string& keyword) {
  auto it = table().find(keyword);
  return it == table().end() || it->second.applied;
}

std::string keyword_name(const std::string& keyword) {
  auto it = table().find(keyword);
  return it == table().end() ? keyword : it->second.name;
}

}  // namespace dust::ssh::cfg
