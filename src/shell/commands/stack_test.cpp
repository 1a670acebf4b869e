// Tests of the stack helpers shared by load, status and cluster delete: event lines, final and
// failed statuses.
#include "shell/commands/stack.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace dust::shell {

TEST(Stack, EventLineIsTheSeedsFormat) {
  cloud::StackEvent e;
  e.resource_type = "AWS::EC2::Instance";
  e.logical_id = "worker1";
  e.status = "CREATE_IN_PROGRESS";
  EXPECT_EQ(stack::event_line(e), "StackEvent AWS::EC2::Instance worker1 CREATE_IN_PROGRESS\n");
  e.status = "CREATE_FAILED";
  e.reason = "Resource creation cancelled";
  EXPECT_EQ(stack::event_line(e),
            "StackEvent AWS::EC2::Instance worker1 CREATE_FAILED Resource creation cancelled\n");
}

TEST(Stack, FinalStatuses) {
  for (const char* s : {"CREATE_COMPLETE", "ROLLBACK_COMPLETE", "DELETE_COMPLETE", "CREATE_FAILED",
                        "ROLLBACK_FAILED", "DELETE_FAILED", "UPDATE_ROLLBACK_COMPLETE"})
    EXPECT_TRUE(stack::is_final(s)) << s;
  for (const char* s : {"CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "DELETE_IN_PROGRESS",
                        "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", ""})
    EXPECT_FALSE(stack::is_final(s)) << s;
}

TEST(Stack, FailureStatuses) {
  for (const char* s : {"CREATE_FAILED", "ROLLBACK_COMPLETE", "ROLLBACK_IN_PROGRESS",
                        "DELETE_FAILED", "UPDATE_ROLLBACK_COMPLETE"})
    EXPECT_TRUE(stack::is_failure(s)) << s;
  for (const char* s :
       {"CREATE_COMPLETE", "CREATE_IN_PROGRESS", "DELETE_COMPLETE", "UPDATE_COMPLETE"})
    EXPECT_FALSE(stack::is_failure(s)) << s;
}

TEST(Stack, TemplatesLiveUnderDustHome) {
  const char* old = getenv("DUST_HOME");
  std::string saved = old ? old : "";
  setenv("DUST_HOME", "/tmp/dh", 1);
  EXPECT_EQ(stack::template_path("sample1"), "/tmp/dh/templates/sample1.json");
  if (old)
    setenv("DUST_HOME", saved.c_str(), 1);
  else
    unsetenv("DUST_HOME");
}

}  // namespace dust::shell
