// Runs the third-party `cfn-lint` over generated templates: the independent check that what `load`
// sends to CloudFormation is a valid template. Fails (never skips) when cfn-lint is missing.
// cfn-lint takes seconds to start, so all templates go through one invocation.
#include <gtest/gtest.h>
#include <stdio.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>

#include "cluster/template.h"
#include "dust_source_dir.h"
#include "util/atomic_file.h"

namespace dust::cluster {
namespace {

namespace fs = std::filesystem;

const std::string kData = std::string(DUST_SOURCE_DIR) + "/tests/data";

struct Ran {
  int status = -1;
  std::string output;
};

Ran run(const std::string& cmd) {
  Ran r;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
  int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

std::map<std::string, Spec> specs() {
  std::map<std::string, Spec> out;
  out["sample1"] = read_spec(kData + "/sample1.yaml");

  Spec vpc = out["sample1"];
  vpc.vpc_id = "vpc-0a1b2c3d4e5f67890";
  vpc.subnet_id = "subnet-0a1b2c3d4e5f67890";
  vpc.ssh_cidr = "10.231.5.0/24";
  out["sample1vpc"] = vpc;

  out["counts"] = parse_spec(R"(cloud: {provider: ec2, region: us-east-1}
cluster: {name: big-1, key: clusterkey}
nodes:
- {image: ami-760aaa0f, instance_type: m5.large, nodename: master, username: admin}
- {image: ami-760aaa0f, instance_type: t3.micro, nodename: worker, username: admin, count: 25}
- {image: ami-785db401, instance_type: c5.xlarge, nodename: db, username: ubuntu, key: dbkey}
)",
                             "big.yaml");
  return out;
}

TEST(CfnLint, GeneratedTemplatesPassAndABrokenOneFails) {
  ASSERT_EQ(run("command -v cfn-lint").status, 0)
      << "cfn-lint is not on PATH; it is required to check generated CloudFormation templates";
  std::string dir = (fs::temp_directory_path() / "dust-cfn-XXXXXX").string();
  ASSERT_NE(mkdtemp(dir.data()), nullptr);

  std::string files;
  for (const auto& [label, spec] : specs()) {
    util::write_file_atomic(dir + "/" + label + ".json", template_body(spec));
    files += " " + dir + "/" + label + ".json";
  }
  // The check must be able to fail: a reference to a resource that does not exist is an error.
  auto broken = build_template(read_spec(kData + "/sample1.yaml"));
  broken["Resources"]["master"]["Properties"]["SecurityGroupIds"][0]["Fn::GetAtt"][0] = "NoGroup";
  util::write_file_atomic(dir + "/broken.json", broken.dump(2));
  files += " " + dir + "/broken.json";

  // parseable: one "file:line:col:endline:endcol:rule:message" line per finding (errors,
  // warnings and informational alike — a generated template has no excuse for any of them).
  Ran r = run("cfn-lint --format parseable --" + files);
  std::map<std::string, std::string> findings;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    auto colon = line.find(':');
    std::string file = fs::path(line.substr(0, colon)).stem().string();
    findings[file] += line + "\n";
  }
  for (const auto& [label, spec] : specs())
    EXPECT_EQ(findings[label], "") << label << ": cfn-lint reported problems";
  EXPECT_NE(findings["broken"].find(":E"), std::string::npos)
      << "cfn-lint did not flag the broken template; output:\n"
      << r.output;
  EXPECT_NE(r.status & 2, 0) << "cfn-lint exit status " << r.status << "\n" << r.output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dust::cluster
