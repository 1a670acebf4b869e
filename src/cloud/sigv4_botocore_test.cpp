// Cross-check: our SigV4 signatures equal botocore's (the signer of the AWS CLI and boto3) for the
// same requests at the same instant. Runs python3 with botocore; skipped if they are not installed.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cloud/http.h"
#include "cloud/query.h"
#include "cloud/sigv4.h"

namespace dust::cloud {
namespace {

// Reads a JSON list of requests, signs each with botocore.auth.SigV4Auth at the given epoch, prints
// the headers it added.
const char* kScript = R"PY(
import datetime, json, sys
import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
out = []
for c in json.load(open(sys.argv[1])):
    when = datetime.datetime.fromtimestamp(c["epoch"], datetime.timezone.utc).replace(tzinfo=None)
    botocore.auth.get_current_datetime = lambda remove_tzinfo=True, when=when: when
    req = AWSRequest(method="POST", url=c["url"], data=c["body"].encode(), headers={"Content-Type": c["content_type"]})
    creds = Credentials(c["access"], c["secret"], c["token"] or None)
    botocore.auth.SigV4Auth(creds, c["service"], c["region"]).add_auth(req)
    out.append({k: req.headers.get(k) for k in ("Authorization", "X-Amz-Date", "X-Amz-Security-Token")})
print(json.dumps(out))
)PY";

struct Case {
  std::string url, service, region, token;
  Params params;
  std::time_t epoch;
};

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

TEST(SigV4Botocore, SameSignaturesAsBotocore) {
  if (system("python3 -c 'import botocore' >/dev/null 2>&1") != 0)
    FAIL() << "python3 with botocore is needed for this cross-check (scripts/install-deps.sh)";
  const std::string content_type = "application/x-www-form-urlencoded; charset=utf-8";
  std::vector<Case> cases = {
      {"https://ec2.us-east-1.amazonaws.com",
       "ec2",
       "us-east-1",
       "",
       {{"Action", "DescribeInstances"}, {"Version", "2016-11-15"}, {"MaxResults", "1000"}},
       1440938160},
      {"http://127.0.0.1:5000/",
       "ec2",
       "eu-west-3",
       "FQoGZXIvYXdzE//session+token==",
       {{"Action", "CreateTags"},
        {"Version", "2016-11-15"},
        {"ResourceId.1", "i-1"},
        {"Tag.1.Key", "owner name"},
        {"Tag.1.Value", "x=y&z/é*~"}},
       1700000000},
      {"https://cloudformation.ap-south-1.amazonaws.com/",
       "cloudformation",
       "ap-south-1",
       "",
       {{"Action", "CreateStack"},
        {"Version", "2010-05-15"},
        {"StackName", "sample1"},
        {"TemplateBody", "{\"Resources\": {\"A\": {\"Type\": \"AWS::EC2::Instance\"}}}\n"}},
       1234567890},
      {"http://localhost:80/", "ec2", "us-west-2", "", {{"Action", "DescribeRegions"}}, 0},
  };
  nlohmann::json input = nlohmann::json::array();
  std::vector<sigv4::Signed> ours;
  for (const Case& c : cases) {
    std::string body = form_encode(c.params);
    Url u = parse_url(c.url);
    sigv4::Request r{"POST", u.host_header, u.path, "", {{"Content-Type", content_type}}, body};
    ours.push_back(sigv4::sign(
        r,
        {"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", c.token, c.region, c.service},
        c.epoch));
    input.push_back({{"url", c.url},
                     {"service", c.service},
                     {"region", c.region},
                     {"token", c.token},
                     {"body", body},
                     {"content_type", content_type},
                     {"epoch", c.epoch},
                     {"access", "AKIDEXAMPLE"},
                     {"secret", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}});
  }
  char dir[] = "/tmp/dust-sigv4-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string script = std::string(dir) + "/sign.py",
                    cases_file = std::string(dir) + "/cases.json";
  std::ofstream(script) << kScript;
  std::ofstream(cases_file) << input.dump();
  std::string out = run("python3 " + script + " " + cases_file);
  unlink(script.c_str());
  unlink(cases_file.c_str());
  rmdir(dir);

  nlohmann::json theirs = nlohmann::json::parse(out, nullptr, false);
  ASSERT_TRUE(theirs.is_array()) << out;
  ASSERT_EQ(theirs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].url);
    EXPECT_EQ(theirs[i]["Authorization"].get<std::string>(), ours[i].authorization);
    EXPECT_EQ(theirs[i]["X-Amz-Date"].get<std::string>(), ours[i].amz_date);
    if (cases[i].token.empty())
      EXPECT_TRUE(theirs[i]["X-Amz-Security-Token"].is_null());
    else
      EXPECT_EQ(theirs[i]["X-Amz-Security-Token"].get<std::string>(), cases[i].token);
  }
}

}  // namespace
}  // namespace dust::cloud
