// The credential/region/endpoint chain with temp files and an injected environment.
#include "cloud/aws_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "cloud/ini.h"
#include "util/error.h"

namespace dust::cloud {
namespace {

class AwsConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dust-awscfg-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    home_ = tmpl;
    std::filesystem::create_directories(home_ + "/.aws");
    env_["HOME"] = home_;
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  void write(const std::string& rel, const std::string& text) {
    std::ofstream(home_ + "/" + rel) << text;
  }
  AwsConfig resolve(const std::string& fallback = "") {
    return resolve_aws_config(fallback, [this](const std::string& n) -> std::optional<std::string> {
      auto it = env_.find(n);
      return it == env_.end() ? std::nullopt : std::optional<std::string>(it->second);
    });
  }

  std::string home_;
  std::map<std::string, std::string> env_;
};

TEST_F(AwsConfigTest, EnvironmentWinsOverFiles) {
  write(".aws/credentials",
        "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n");
  env_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  env_["AWS_SESSION_TOKEN"] = "ENVTOKEN";
  AwsConfig c = resolve();
  EXPECT_EQ(c.creds.access_key, "ENVKEY");
  EXPECT_EQ(c.creds.secret_key, "ENVSECRET");
  EXPECT_EQ(c.creds.session_token, "ENVTOKEN");
  EXPECT_EQ(c.creds.source, "environment");
}

TEST_F(AwsConfigTest, DefaultProfileFromCredentialsFile) {
  write(".aws/credentials",
        "# comment\n[other]\naws_access_key_id=O\naws_secret_access_key=OS\n\n"
        "[default]\r\nAWS_ACCESS_KEY_ID = AKIADEFAULT\r\naws_secret_access_key = sec/ret+x=\r\n"
        "aws_session_token = tok\r\n");
  AwsConfig c = resolve();
  EXPECT_EQ(c.profile, "default");
  EXPECT_EQ(c.creds.access_key, "AKIADEFAULT");
  EXPECT_EQ(c.creds.secret_key, "sec/ret+x=");
  EXPECT_EQ(c.creds.session_token, "tok");
  EXPECT_NE(c.creds.source.find(home_ + "/.aws/credentials"), std::string::npos);
}

TEST_F(AwsConfigTest, ProfileFromAwsProfileWithConfigRegion) {
  write(".aws/credentials",
        "[default]\naws_access_key_id=D\naws_secret_access_key=DS\n"
        "[work]\naws_access_key_id=W\naws_secret_access_key=WS\n");
  write(".aws/config", "[default]\nregion = us-east-1\n[profile work]\nregion = eu-west-3\n");
  env_["AWS_PROFILE"] = "work";
  AwsConfig c = resolve("ap-south-1");
  EXPECT_EQ(c.creds.access_key, "W");
  EXPECT_EQ(c.region, "eu-west-3");
}

TEST_F(AwsConfigTest, CredentialsInConfigFileProfileSection) {
  write(".aws/config",
        "[profile cfgonly]\naws_access_key_id=C\naws_secret_access_key=CS\nregion=sa-east-1\n");
  env_["AWS_PROFILE"] = "cfgonly";
  AwsConfig c = resolve();
  EXPECT_EQ(c.creds.access_key, "C");
  EXPECT_EQ(c.region, "sa-east-1");
}

TEST_F(AwsConfigTest, FileLocationsFromEnvironment) {
  write("creds.ini", "[default]\naws_access_key_id=ALT\naws_secret_access_key=ALTS\n");
  write("conf.ini", "[default]\nregion=us-west-2\n");
  write(".aws/credentials", "[default]\naws_access_key_id=NOTME\naws_secret_access_key=NOTME\n");
  env_["AWS_SHARED_CREDENTIALS_FILE"] = "~/creds.ini";
  env_["AWS_CONFIG_FILE"] = home_ + "/conf.ini";
  AwsConfig c = resolve();
  EXPECT_EQ(c.creds.access_key, "ALT");
  EXPECT_EQ(c.region, "us-west-2");
}

TEST_F(AwsConfigTest, RegionPrecedence) {
  env_["AWS_ACCESS_KEY_ID"] = "K";
  env_["AWS_SECRET_ACCESS_KEY"] = "S";
  write(".aws/config", "[default]\nregion=from-profile\n");
  EXPECT_EQ(resolve("from-fallback").region, "from-profile");
  env_["AWS_DEFAULT_REGION"] = "from-default-region";
  EXPECT_EQ(resolve("from-fallback").region, "from-default-region");
  env_["AWS_REGION"] = "from-region";
  EXPECT_EQ(resolve("from-fallback").region, "from-region");
  std::filesystem::remove(home_ + "/.aws/config");
  env_.erase("AWS_REGION");
  env_.erase("AWS_DEFAULT_REGION");
  EXPECT_EQ(resolve("from-fallback").region, "from-fallback");
  EXPECT_EQ(resolve("").region, "");
}

TEST_F(AwsConfigTest, EndpointOverrides) {
  env_["AWS_ACCESS_KEY_ID"] = "K";
  env_["AWS_SECRET_ACCESS_KEY"] = "S";
  AwsConfig none = resolve("us-east-1");
  EXPECT_EQ(none.ec2_endpoint, "");
  EXPECT_EQ(endpoint_for(none.ec2_endpoint, "ec2", "eu-west-1"),
            "https://ec2.eu-west-1.amazonaws.com");
  env_["AWS_ENDPOINT_URL"] = "http://127.0.0.1:5000";
  AwsConfig common = resolve();
  EXPECT_EQ(common.ec2_endpoint, "http://127.0.0.1:5000");
  EXPECT_EQ(common.cfn_endpoint, "http://127.0.0.1:5000");
  env_["AWS_ENDPOINT_URL_EC2"] = "http://127.0.0.1:6000";
  env_["AWS_ENDPOINT_URL_CLOUDFORMATION"] = "http://127.0.0.1:7000";
  AwsConfig specific = resolve();
  EXPECT_EQ(specific.ec2_endpoint, "http://127.0.0.1:6000");
  EXPECT_EQ(specific.cfn_endpoint, "http://127.0.0.1:7000");
  EXPECT_EQ(endpoint_for(specific.ec2_endpoint, "ec2", "eu-west-1"), "http://127.0.0.1:6000");
  env_["AWS_ENDPOINT_URL_EC2"] = "127.0.0.1:6000";
  EXPECT_THROW(resolve(), Error);
}

TEST_F(AwsConfigTest, NoCredentialsSaysHowToConfigure) {
  try {
    resolve("us-east-1");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("AWS_ACCESS_KEY_ID"), std::string::npos) << m;
    EXPECT_NE(m.find("aws configure"), std::string::npos) << m;
  }
}

TEST_F(AwsConfigTest, KeyWithoutSecretIsNotCredentials) {
  env_["AWS_ACCESS_KEY_ID"] = "K";
  write(".aws/credentials", "[default]\naws_access_key_id=ONLYKEY\n");
  EXPECT_THROW(resolve(), Error);
}

TEST_F(AwsConfigTest, UnknownProfileIsNamed) {
  write(".aws/credentials", "[default]\naws_access_key_id=D\naws_secret_access_key=DS\n");
  env_["AWS_PROFILE"] = "nosuch";
  try {
    resolve();
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'nosuch'"), std::string::npos) << e.what();
  }
}

TEST(Ini, NestedValuesAndCommentsIgnored) {
  ini::Sections s = ini::parse(
      "[profile a]\n; c\nregion = x\ns3 =\n  region = nested\n  max = 1\nkey=v = "
      "w\n[broken\nz=1\n");
  ASSERT_EQ(s.count("profile a"), 1u);
  EXPECT_EQ(s["profile a"]["region"], "x");
  EXPECT_EQ(s["profile a"]["s3"], "");
  EXPECT_EQ(s["profile a"]["key"], "v = w");
  EXPECT_EQ(s["profile a"].count("max"), 0u);
}

TEST(Ini, LongValuesAndSemicolonsAreKeptWhole) {
  // A session token is 800–1,200 characters; botocore keeps a ';' inside a value. (Debian's libinih
  // cuts lines at 200 bytes and strips " ;…" as a comment: why dust reads these files itself.)
  std::string token(1200, 'A');
  ini::Sections s = ini::parse("[default]\naws_session_token = " + token +
                               "\ncredential_process = get-creds --a ;b\n");
  EXPECT_EQ(s["default"]["aws_session_token"], token);
  EXPECT_EQ(s["default"]["credential_process"], "get-creds --a ;b");
}

}  // namespace
}  // namespace dust::cloud
