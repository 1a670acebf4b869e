// The AWS credential/region/endpoint chain, resolved the way botocore and the AWS CLI do.
#include "cloud/aws_config.h"

#include <cstdlib>

#include "cloud/ini.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"

namespace dust::cloud {
namespace {

std::string env_or(const EnvLookup& env, const std::string& name, const std::string& dflt = "") {
  auto v = env(name);
  return v && !v->empty() ? *v : dflt;
}

// `~` in these variables means $HOME of the (possibly injected) environment, so tests stay
// hermetic.
std::string expand(const EnvLookup& env, const std::string& p) {
  if (p != "~" && p.rfind("~/", 0) != 0) return p;
  std::string home = env_or(env, "HOME", paths::home());
  return p == "~" ? home : paths::join(home, p.substr(2));
}

const std::map<std::string, std::string>* section(const ini::Sections& s, const std::string& name) {
  auto it = s.find(name);
  return it == s.end() ? nullptr : &it->second;
}

std::string get(const std::map<std::string, std::string>* sec, const std::string& key) {
  if (!sec) return "";
  auto it = sec->find(key);
  return it == sec->end() ? "" : it->second;
}

void check_url(const std::string& var, const std::string& url) {
  if (!url.empty() && url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)
    throw Error(var + "=" + url + " is not an http:// or https:// URL");
}

}  // namespace

AwsConfig resolve_aws_config(const std::string& fallback_region) {
  return resolve_aws_config(fallback_region,
                            [](const std::string& name) -> std::optional<std::string> {
                              const char* v = std::getenv(name.c_str());
                              return v ? std::optional<std::string>(v) : std::nullopt;
                            });
}

AwsConfig resolve_aws_config(const std::string& fallback_region, const EnvLookup& env) {
  AwsConfig cfg;
  const bool profile_named =
      !env_or(env, "AWS_PROFILE").empty() || !env_or(env, "AWS_DEFAULT_PROFILE").empty();
  cfg.profile = env_or(env, "AWS_PROFILE", env_or(env, "AWS_DEFAULT_PROFILE", "default"));

  const std::string cred_path =
      expand(env, env_or(env, "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"));
  const std::string conf_path = expand(env, env_or(env, "AWS_CONFIG_FILE", "~/.aws/config"));
  const ini::Sections cred_file = ini::parse_file(cred_path);
  const ini::Sections conf_file = ini::parse_file(conf_path);
  // The config file names profiles "[profile x]"; "[default]" is the default profile's spelling.
  const auto* cred_sec = section(cred_file, cfg.profile);
  const auto* conf_sec = section(conf_file, "profile " + cfg.profile);
  if (!conf_sec && cfg.profile == "default") conf_sec = section(conf_file, "default");

  // Credentials: environment first (even when AWS_PROFILE is set, as botocore does), then the
  // credentials file, then the config file.
  Credentials& c = cfg.creds;
  if (!env_or(env, "AWS_ACCESS_KEY_ID").empty() && !env_or(env, "AWS_SECRET_ACCESS_KEY").empty()) {
    c.access_key = env_or(env, "AWS_ACCESS_KEY_ID");
    c.secret_key = env_or(env, "AWS_SECRET_ACCESS_KEY");
    c.session_token = env_or(env, "AWS_SESSION_TOKEN", env_or(env, "AWS_SECURITY_TOKEN"));
    c.source = "environment";
  } else {
    for (auto [sec, path] : {std::pair{cred_sec, cred_path}, std::pair{conf_sec, conf_path}}) {
      if (get(sec, "aws_access_key_id").empty() || get(sec, "aws_secret_access_key").empty())
        continue;
      c.access_key = get(sec, "aws_access_key_id");
      c.secret_key = get(sec, "aws_secret_access_key");
      c.session_token = get(sec, "aws_session_token");
      if (c.session_token.empty()) c.session_token = get(sec, "aws_security_token");
      c.source = "profile " + cfg.profile + " (" + path + ")";
      break;
    }
  }
  if (c.access_key.empty()) {
    if (profile_named && !cred_sec && !conf_sec)
      throw Error("AWS profile '" + cfg.profile + "' (from AWS_PROFILE) not found in " + cred_path +
                  " or " + conf_path);
    throw Error(
        "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
        "AWS_SESSION_TOKEN for temporary credentials), or run `aws configure` to write " +
        cred_path + " (profile '" + cfg.profile + "', chosen by AWS_PROFILE)");
  }

  cfg.region =
      env_or(env, "AWS_REGION", env_or(env, "AWS_DEFAULT_REGION", get(conf_sec, "region")));
  if (cfg.region.empty()) cfg.region = fallback_region;

  const std::string common = env_or(env, "AWS_ENDPOINT_URL", get(conf_sec, "endpoint_url"));
  cfg.ec2_endpoint = env_or(env, "AWS_ENDPOINT_URL_EC2", common);
  cfg.cfn_endpoint = env_or(env, "AWS_ENDPOINT_URL_CLOUDFORMATION", common);
  check_url("AWS_ENDPOINT_URL_EC2 (or AWS_ENDPOINT_URL)", cfg.ec2_endpoint);
  check_url("AWS_ENDPOINT_URL_CLOUDFORMATION (or AWS_ENDPOINT_URL)", cfg.cfn_endpoint);

  log::debug("aws: credentials from {}, region '{}', ec2 endpoint '{}'", c.source, cfg.region,
             cfg.ec2_endpoint);
  return cfg;
}

std::string endpoint_for(const std::string& override_url, const std::string& service,
                         const std::string& region) {
  if (!override_url.empty()) return override_url;
  if (region.empty())
    throw Error(
        "no AWS region configured: set AWS_REGION (or AWS_DEFAULT_REGION), `region` in "
        "~/.aws/config, "
        "or `use <region>`");
  std::string host = service + "." + region + ".amazonaws.com";
  if (region.rfind("cn-", 0) == 0) host += ".cn";
  return "https://" + host;
}

}  // namespace dust::cloud
