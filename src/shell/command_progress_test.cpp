#include "shell/command_progress.h"

#include <gtest/gtest.h>

namespace dust::shell {
namespace {

ssh::NodeResult node(const std::string& name, bool finished, int status = 0,
                     const std::string& error = "") {
  return {name, status, error, finished};
}

TEST(CommandProgress, CountsDoneFailedAndNamesTheRunning) {
  std::vector<ssh::NodeResult> r{node("worker0", true), node("worker1", true, 2),
                                 node("worker2", false), node("worker3", false),
                                 node("worker4", true, -1, "connection lost")};
  EXPECT_EQ(command_progress(r, 14.2, 100),
            "@ 3/5 done · 2 failed · 2 running: worker[2-3] · 14 s");
}

TEST(CommandProgress, AllFinished) {
  std::vector<ssh::NodeResult> r{node("a", true), node("b", true)};
  EXPECT_EQ(command_progress(r, 1.0, 80), "@ 2/2 done · 1 s");
}

TEST(CommandProgress, LongNameListsAreCutToTheWidth) {
  std::vector<ssh::NodeResult> r;
  for (int i = 0; i < 50; i += 2) r.push_back(node("n" + std::to_string(i), false));
  std::string s = command_progress(r, 3, 60);
  size_t cols = 0;
  for (unsigned char c : s) cols += (c & 0xC0) != 0x80;
  EXPECT_LE(cols, 60u);
  EXPECT_NE(s.find("25 running: n["), std::string::npos) << s;
  EXPECT_NE(s.find("…"), std::string::npos) << s;
  // No room at all for names: the count alone.
  EXPECT_EQ(command_progress(r, 3, 20), "@ 0/25 done · 25 running · 3 s");
}

}  // namespace
}  // namespace dust::shell
