// Unit tests for src/transfer's pure helpers: byte/rate formatting, result lines, glob detection,
// shell quoting of remote paths.
#include "transfer/format.h"

#include <gtest/gtest.h>

#include "transfer/link.h"

namespace dust::transfer {
namespace {

TEST(TransferFormat, Bytes) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(999), "999 B");
  EXPECT_EQ(human_bytes(1500), "1.5 KB");
  EXPECT_EQ(human_bytes(100000000), "100.0 MB");
  EXPECT_EQ(human_bytes(999960), "1.0 MB");
  EXPECT_EQ(human_bytes(2500000000ull), "2.5 GB");
}

TEST(TransferFormat, RateAndLine) {
  EXPECT_EQ(human_rate(210000000, 1.0), "210 MB/s");
  EXPECT_EQ(human_rate(500, 1.0), "500 B/s");
  EXPECT_EQ(human_rate(3000000000ull, 1.0), "3.00 GB/s");
  EXPECT_EQ(result_line("put", "data.dat → /opt/data/data.dat", 100000000, 100.0 / 210),
            "put data.dat → /opt/data/data.dat (100.0 MB, 210 MB/s)");
}

TEST(TransferFormat, Glob) {
  EXPECT_TRUE(has_glob("*.log"));
  EXPECT_TRUE(has_glob("a?"));
  EXPECT_TRUE(has_glob("x[12]"));
  EXPECT_FALSE(has_glob("/opt/data/file.txt"));
}

TEST(TransferFormat, ShellQuote) {
  EXPECT_EQ(shell_quote("/opt/data/a b"), "'/opt/data/a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("-x$HOME`id`"), "'-x$HOME`id`'");
  EXPECT_EQ(shell_quote(""), "''");
}

}  // namespace
}  // namespace dust::transfer
