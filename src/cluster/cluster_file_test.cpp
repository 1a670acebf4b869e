// Tests for cluster files: parsing, errors naming file/line/key, round trip, listing.
#include "cluster/cluster_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "util/atomic_file.h"
#include "util/error.h"

namespace dust::cluster {
namespace {

namespace fs = std::filesystem;

const char* kOriginal = R"(cloud: {provider: ec2, region: us-east-1}
cluster: {name: slurm1, filter: "tags=aws:cloudformation:stack-name:slurm1"}
nodes:
- {nodename: master, selector: "tags=name:master", username: ec2-user}
- {nodename: node1, selector: "id=i-92aeaf08", username: ec2-user, keyfile: ~/.ssh/k.pem}
)";

std::string error_of(const std::string& text) {
  try {
    parse_cluster_file(text, "c.yaml");
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(ClusterFile, ParsesTheOriginalFormat) {
  ClusterFile c = parse_cluster_file(kOriginal, "slurm1.yaml");
  EXPECT_EQ(c.provider, "ec2");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.name, "slurm1");
  EXPECT_EQ(c.filter, "tags=aws:cloudformation:stack-name:slurm1");
  ASSERT_EQ(c.nodes.size(), 2u);
  EXPECT_EQ(c.nodes[0].nodename, "master");
  EXPECT_EQ(c.nodes[0].selector, "tags=name:master");
  EXPECT_EQ(c.nodes[0].ssh.username, "ec2-user");
  EXPECT_EQ(c.nodes[0].ssh.keyfile, "");
  EXPECT_EQ(c.nodes[0].line, 4);
  EXPECT_EQ(c.nodes[1].selector, "id=i-92aeaf08");
  EXPECT_EQ(c.nodes[1].ssh.keyfile, "~/.ssh/k.pem");
  EXPECT_EQ(c.nodes[1].line, 5);
  EXPECT_TRUE(c.warnings.empty());
}

TEST(ClusterFile, ParsesBlockStyleAndClusterDefaults) {
  ClusterFile c = parse_cluster_file(R"(cloud:
  region: eu-west-1
cluster:
  name: lab
  username: admin
  keyfile: /k/lab.pem
  port: 2222
  address: private
  proxy_jump: bastion
nodes:
  - nodename: a
    selector: name=a
    port: 22
    address: 10.0.0.5
)",
                                     "lab.yaml");
  EXPECT_EQ(c.provider, "ec2");
  EXPECT_EQ(c.filter, "");
  EXPECT_EQ(c.defaults.username, "admin");
  EXPECT_EQ(c.defaults.keyfile, "/k/lab.pem");
  EXPECT_EQ(c.defaults.port, 2222);
  EXPECT_EQ(c.defaults.address, "private");
  EXPECT_EQ(c.defaults.proxy_jump, "bastion");
  ASSERT_EQ(c.nodes.size(), 1u);
  EXPECT_EQ(c.nodes[0].ssh.port, 22);
  EXPECT_EQ(c.nodes[0].ssh.address, "10.0.0.5");
  EXPECT_EQ(c.nodes[0].ssh.username, "");
}

TEST(ClusterFile, RoundTripKeepsEverything) {
  ClusterFile c;
  c.region = "us-west-2";
  c.name = "k1";
  c.filter = "tags=aws:cloudformation:stack-name:k1";
  c.defaults.username = "ubuntu";
  c.defaults.port = 2200;
  FileNode a{"master", "tags=name:master", {}, 0};
  FileNode b{
      "node1", "id=i-0123456789abcdef0", {"root", "~/.ssh/x.pem", "dns", "jump@host:22", 22}, 0};
  FileNode q{"01", "tags=name:it's: \"quoted\"", {}, 0};  // needs quoting both ways
  c.nodes = {a, b, q};
  std::string text = to_yaml(c);
  ClusterFile r = parse_cluster_file(text, "k1.yaml");
  EXPECT_EQ(r.region, c.region);
  EXPECT_EQ(r.name, c.name);
  EXPECT_EQ(r.filter, c.filter);
  EXPECT_EQ(r.defaults.username, "ubuntu");
  EXPECT_EQ(r.defaults.port, 2200);
  ASSERT_EQ(r.nodes.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r.nodes[i].nodename, c.nodes[i].nodename);
    EXPECT_EQ(r.nodes[i].selector, c.nodes[i].selector);
    EXPECT_EQ(r.nodes[i].ssh.username, c.nodes[i].ssh.username);
    EXPECT_EQ(r.nodes[i].ssh.keyfile, c.nodes[i].ssh.keyfile);
    EXPECT_EQ(r.nodes[i].ssh.address, c.nodes[i].ssh.address);
    EXPECT_EQ(r.nodes[i].ssh.proxy_jump, c.nodes[i].ssh.proxy_jump);
    EXPECT_EQ(r.nodes[i].ssh.port, c.nodes[i].ssh.port);
  }
  // The original's shape: one flow mapping per node, one line each.
  EXPECT_NE(text.find("{nodename: master, selector: \"tags=name:master\"}"), std::string::npos)
      << text;
  EXPECT_EQ(to_yaml(r), text);
}

TEST(ClusterFile, UnknownKeysAreWarningsWithLine) {
  ClusterFile c = parse_cluster_file(R"(cloud: {region: us-east-1}
cluster: {name: x}
nodes:
- {nodename: a, selector: "id=i-1", key: oldkey}
)",
                                     "x.yaml");
  ASSERT_EQ(c.warnings.size(), 1u);
  EXPECT_EQ(c.warnings[0], "x.yaml:4: nodes[0].key: unknown key ignored");
}

TEST(ClusterFile, ErrorsNameFileLineAndKey) {
  EXPECT_EQ(error_of("cloud: {region: us-east-1}\ncluster: {filter: x}\nnodes: []\n"),
            "c.yaml:2: cluster.name: missing required key");
  EXPECT_EQ(error_of("cloud: {provider: ec2}\ncluster: {name: x}\n"),
            "c.yaml:1: cloud.region: missing required key");
  EXPECT_EQ(error_of("cloud: {region: r}\ncluster: {name: x}\nnodes:\n- {nodename: a}\n"),
            "c.yaml:4: nodes[0].selector: missing required key");
  EXPECT_EQ(error_of("cloud: {region: r}\ncluster: {name: x}\nnodes:\n- {nodename: a, selector: s,"
                     " port: http}\n"),
            "c.yaml:4: nodes[0].port: must be an integer, not 'http'");
  EXPECT_EQ(error_of("cloud: {region: r}\ncluster: {name: x, port: 70000}\n"),
            "c.yaml:2: cluster.port: must be between 1 and 65535");
  EXPECT_EQ(error_of("cloud: {region: r, provider: gce}\ncluster: {name: x}\n"),
            "c.yaml:1: cloud.provider: only 'ec2' is supported, not 'gce'");
  EXPECT_EQ(error_of("cloud: {region: r}\ncluster: {name: ../x}\n"),
            "c.yaml:2: cluster.name: '../x' is not a valid cluster name (letters, digits, '-', "
            "'_', '.')");
  EXPECT_EQ(error_of("cloud: {region: r}\ncluster: {name: x}\ncluster: {name: y}\n"),
            "c.yaml:3: cluster: duplicate key");
  EXPECT_EQ(error_of("cloud: {region: r}\ncluster: {name: x}\nnodes: {a: b}\n"),
            "c.yaml:3: nodes: must be a list (- item)");
  EXPECT_EQ(error_of(""), "c.yaml: is empty, expected a mapping");
  // A control byte in a value (found by fuzz/cluster_file: a NUL came back as U+FFFD on rewrite).
  EXPECT_EQ(
      error_of(std::string("cloud: {region: r}\ncluster: {name: x, username: \"ad\\x12mi\"}\n")),
      "c.yaml:2: cluster.username: contains a control character (0x12); values are text");
  // A raw NUL (yaml-cpp's reader turns it into another byte): refused before parsing.
  EXPECT_EQ(
      error_of(std::string("cloud: {region: r}\ncluster: {name: x, username: a") + '\0' + "b}\n"),
      "c.yaml:2: contains a control character (0x00); YAML files are text");
  // yaml-cpp's own syntax errors keep their line too.
  EXPECT_EQ(error_of("cloud: {region: r\ncluster: x\n").rfind("c.yaml:", 0), 0u);
  EXPECT_NE(error_of("cloud: {region: r\ncluster: x\n").find("invalid YAML"), std::string::npos);
}

// Found by fuzz/cluster_file_fuzz: yaml-cpp read the byte as is, and the next save wrote U+FFFD.
TEST(ClusterFile, RefusesInvalidUtf8NamingTheLine) {
  EXPECT_EQ(error_of("cloud: {region: eu-west-1}\ncluster: {name: lab}\nnodes:\n"
                     "- {nodename: a, selector: \"nam\x8d\x9a"
                     "e=a\"}\n"),
            "c.yaml:4: not valid UTF-8 (byte 0x8d); save the file as UTF-8");
  EXPECT_EQ(error_of("cloud: {region: eu-west-1}\ncluster: {name: l\xe9}\nnodes: []\n"),
            "c.yaml:2: not valid UTF-8 (byte 0xe9); save the file as UTF-8");
}

// Found by fuzz/cluster_file_fuzz: yaml-cpp read NUL '_' as an escape and kept a lone 0xa0 byte.
TEST(ClusterFile, RefusesRawControlBytesNamingTheLine) {
  using namespace std::string_literals;
  EXPECT_EQ(error_of("cloud: {region: eu-west-1}\ncluster:\n  name: lab\n  username: ad\0_x\n"s),
            "c.yaml:4: contains a control character (0x00); YAML files are text");
  EXPECT_EQ(error_of("cloud: {region: eu-west-1}\ncluster: {name: lab, username: \"a\x1b[2J\"}\n"),
            "c.yaml:2: contains a control character (0x1b); YAML files are text");
  // Escapes written as text stay a value's business (refused there, naming the key).
  EXPECT_NE(error_of("cloud: {region: eu-west-1}\ncluster: {name: lab, username: \"a\\x1b\"}\n")
                .find("username: contains a control character"),
            std::string::npos);
}

TEST(ClusterFile, ValidNames) {
  EXPECT_TRUE(valid_cluster_name("sample1"));
  EXPECT_TRUE(valid_cluster_name("my-cluster_2.b"));
  EXPECT_FALSE(valid_cluster_name(""));
  EXPECT_FALSE(valid_cluster_name(".hidden"));
  EXPECT_FALSE(valid_cluster_name("a/b"));
  EXPECT_FALSE(valid_cluster_name("a b"));
  EXPECT_FALSE(valid_cluster_name(std::string(129, 'a')));
}

struct DustHome {
  fs::path dir;
  std::string old;
  DustHome() {
    std::string t = (fs::temp_directory_path() / "dust-home-XXXXXX").string();
    dir = mkdtemp(t.data());
    if (const char* o = getenv("DUST_HOME")) old = o;
    setenv("DUST_HOME", (dir / "dh").c_str(), 1);
  }
  ~DustHome() {
    if (old.empty())
      unsetenv("DUST_HOME");
    else
      setenv("DUST_HOME", old.c_str(), 1);
    fs::remove_all(dir);
  }
};

TEST(ClusterFile, SaveLoadListRemove) {
  DustHome h;
  EXPECT_TRUE(list_clusters().empty());
  EXPECT_FALSE(cluster_exists("b"));
  ClusterFile b = parse_cluster_file(kOriginal, "x");
  b.name = "b";
  b.region = "us-west-2";
  save_cluster(b);  // creates $DUST_HOME and clusters/
  ClusterFile a = b;
  a.name = "a";
  save_cluster(a);
  ClusterFile z = b;
  z.name = "z";
  z.region = "eu-west-1";
  save_cluster(z);
  EXPECT_TRUE(cluster_exists("b"));
  EXPECT_EQ(cluster_path("b"), (h.dir / "dh" / "clusters" / "b.yaml").string());
  EXPECT_EQ((fs::status(cluster_path("b")).permissions() & fs::perms::others_read),
            fs::perms::none);
  ClusterFile r = load_cluster("b");
  EXPECT_EQ(r.path, cluster_path("b"));
  EXPECT_EQ(r.nodes.size(), 2u);
  EXPECT_EQ(to_yaml(r), to_yaml(b));

  util::write_file_atomic(clusters_dir() + "/broken.yaml", "cloud: [\n");
  std::ofstream(clusters_dir() + "/notes.txt") << "not a cluster";
  auto list = list_clusters();
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].name, "broken");  // unreadable: region "" sorts first, error kept
  EXPECT_NE(list[0].error.find("broken.yaml"), std::string::npos);
  EXPECT_EQ(list[1].name, "z");
  EXPECT_EQ(list[1].region, "eu-west-1");
  EXPECT_EQ(list[2].name, "a");
  EXPECT_EQ(list[3].name, "b");
  EXPECT_EQ(list[3].region, "us-west-2");
  EXPECT_TRUE(list[3].error.empty());

  remove_cluster("b");
  EXPECT_FALSE(cluster_exists("b"));
  EXPECT_THROW(remove_cluster("b"), Error);
  try {
    load_cluster("b");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("no cluster named 'b'"), std::string::npos);
  }
  EXPECT_THROW(cluster_path("../etc/passwd"), Error);
}

}  // namespace
}  // namespace dust::cluster

namespace dust::cluster {

TEST(NewClusterName, RegionShapedAndInvalidNamesAreRefused) {
  EXPECT_EQ(new_cluster_name_problem("demo1"), "");
  EXPECT_EQ(new_cluster_name_problem("us-east"), "");
  EXPECT_EQ(new_cluster_name_problem("web-1"), "");
  EXPECT_EQ(new_cluster_name_problem("prod-us-east-1"), "");
  for (const char* region : {"us-east-1", "us-gov-west-1", "ap-southeast-7", "cn-northwest-1"})
    EXPECT_NE(new_cluster_name_problem(region).find("named like an AWS region"), std::string::npos)
        << region;
  EXPECT_NE(new_cluster_name_problem("../x").find("not a valid cluster name"), std::string::npos);
  EXPECT_NE(new_cluster_name_problem("").find("not a valid cluster name"), std::string::npos);
}

}  // namespace dust::cluster
