// config.yaml's `output:` key (gathered output default, diffs).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "shell/config.h"
#include "util/error.h"

namespace dust::shell {
namespace {

Config load(const std::string& yaml) {
  char path[] = "/tmp/dust-config-test-XXXXXX";
  int fd = mkstemp(path);
  EXPECT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << yaml;
  struct Remove {
    const char* p;
    ~Remove() { std::remove(p); }
  } remove{path};
  return Config::load(path);
}

TEST(ConfigOutput, DefaultsScalarAndMapping) {
  Config c = load("region: us-east-1\n");
  EXPECT_FALSE(c.output_gather);
  EXPECT_TRUE(c.output_diff);
  EXPECT_TRUE(load("output: gather\n").output_gather);
  EXPECT_FALSE(load("output: live\n").output_gather);
  c = load("output:\n  mode: gather\n  diff: false\n");
  EXPECT_TRUE(c.output_gather);
  EXPECT_FALSE(c.output_diff);
  c = load("output: {diff: false}\n");
  EXPECT_FALSE(c.output_gather);
  EXPECT_FALSE(c.output_diff);
}

TEST(ConfigOutput, BadValuesAreNamed) {
  try {
    load("region: x\noutput: sideways\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(":2: output mode 'sideways': use gather or live"),
              std::string::npos)
        << e.what();
  }
  try {
    load("output:\n  colour: red\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("output: unknown key 'colour' (mode, diff)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(load("output: [gather]\n"), Error);
  EXPECT_THROW(load("output: {diff: maybe}\n"), Error);
}

}  // namespace
}  // namespace dust::shell
