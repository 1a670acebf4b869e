// Node cache: what is kept of an EC2 answer, and which files are trusted as one.
#include "shell/node_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <filesystem>
#include <fstream>

#include "util/error.h"

namespace dust::shell {
namespace {

Node sample(const std::string& name, const std::string& id) {
  Node n;
  n.name = name;
  n.id = id;
  n.state = "running";
  n.instance_type = "t3.micro";
  n.public_ip = "203.0.113.7";
  n.private_ip = "10.0.0.7";
  n.groups = {"sg-1", "sg-2"};
  n.tags = {{"Name", name}, {"env", "a:b c"}};
  n.username = "not-kept";  // cluster files apply on top of the cache, never from it
  return n;
}

struct TempDir {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("dust-node-cache-" + std::to_string(getpid()));
  TempDir() { std::filesystem::create_directories(dir / "cache"); }
  ~TempDir() { std::filesystem::remove_all(dir); }
};

TEST(NodeCache, KeepsTheEc2FieldsOfEveryNode) {
  Nodes in = {sample("web1", "i-1"), sample("", "i-2")};
  Nodes out = parse_node_cache(node_cache_json(in));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].name, "web1");
  EXPECT_EQ(out[1].id, "i-2");
  EXPECT_EQ(out[0].public_ip, "203.0.113.7");
  EXPECT_EQ(out[0].groups, in[0].groups);
  EXPECT_EQ(out[0].tags, in[0].tags);
  EXPECT_EQ(out[0].username, "");
}

TEST(NodeCache, MalformedTextIsAnError) {
  for (const char* text : {"", "{", "[]", R"({"version":2,"nodes":[]})", R"({"version":1})",
                           R"({"version":1,"nodes":[{"name":"x"}]})"})
    EXPECT_THROW(parse_node_cache(text), Error) << text;
}

TEST(NodeCache, NamesAreOneFilePerIdentityAndRegion) {
  EXPECT_EQ(node_cache_path("a", "us-east-1"), node_cache_path("a", "us-east-1"));
  EXPECT_NE(node_cache_path("a", "us-east-1"), node_cache_path("b", "us-east-1"));
  EXPECT_NE(node_cache_path("a", "us-east-1"), node_cache_path("a", "eu-west-1"));
}

TEST(NodeCache, OnlyAFreshFileOfTheUsersOwnIsTrusted) {
  TempDir t;
  std::string path = (t.dir / "cache" / "nodes-x.json").string();
  save_node_cache(path, {sample("web1", "i-1")});
  struct stat st {};
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(load_node_cache(path, std::chrono::hours(1)));
  EXPECT_EQ(load_node_cache(path, std::chrono::hours(1))->at(0).name, "web1");

  utimbuf old{time(nullptr) - 7200, time(nullptr) - 7200};
  utime(path.c_str(), &old);
  EXPECT_FALSE(load_node_cache(path, std::chrono::hours(1)));  // too old
  EXPECT_TRUE(load_node_cache(path, std::chrono::hours(3)));

  chmod(path.c_str(), 0620);  // another user could have written it
  EXPECT_FALSE(load_node_cache(path, std::chrono::hours(3)));
  chmod(path.c_str(), 0600);

  std::string link = (t.dir / "cache" / "nodes-link.json").string();
  ASSERT_EQ(symlink(path.c_str(), link.c_str()), 0);
  EXPECT_FALSE(load_node_cache(link, std::chrono::hours(3)));  // never through a symlink

  std::ofstream(path) << "{ not json";
  chmod(path.c_str(), 0600);
  EXPECT_FALSE(load_node_cache(path, std::chrono::hours(3)));
  EXPECT_FALSE(load_node_cache((t.dir / "none.json").string(), std::chrono::hours(3)));
}

}  // namespace
}  // namespace dust::shell
