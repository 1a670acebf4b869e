#include "transfer/format.h"

#include <gtest/gtest.h>

#include "transfer/wire.h"

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
  EXPECT_EQ(result_line("worker0", "put", "data.dat → /opt/data/data.dat", 100000000, 100.0 / 210),
            "[worker0] put data.dat → /opt/data/data.dat (100.0 MB, 210 MB/s)");
}

TEST(TransferFormat, Glob) {
  EXPECT_TRUE(has_glob("*.log"));
  EXPECT_TRUE(has_glob("a?"));
  EXPECT_TRUE(has_glob("x[12]"));
  EXPECT_FALSE(has_glob("/opt/data/file.txt"));
}

TEST(TransferWire, WriteHeaderLayout) {
  std::string h = wire::write_header(7, "HH", 0x0102030405060708ull, 5);
  ASSERT_EQ(h.size(), 4u + 1 + 4 + 4 + 2 + 8 + 4);
  EXPECT_EQ(h.substr(0, 4), std::string("\0\0\0\x1c", 4));  // 1+4+4+2+8+4+5 = 28
  EXPECT_EQ(h[4], 6);
  EXPECT_EQ(h.substr(5, 4), std::string("\0\0\0\x07", 4));
  EXPECT_EQ(h.substr(9, 6), std::string("\0\0\0\x02HH", 6));
  EXPECT_EQ(h.substr(15, 8), std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8));
  EXPECT_EQ(h.substr(23, 4), std::string("\0\0\0\x05", 4));
}

TEST(TransferWire, RepliesAcrossChunks) {
  // STATUS id=3 code=3 (permission denied) "no" "" then STATUS id=4 code=0.
  std::string a = std::string("\0\0\0\x17\x65\0\0\0\x03\0\0\0\x03\0\0\0\x02no\0\0\0\0", 27);
  std::string b = std::string("\0\0\0\x15\x65\0\0\0\x04\0\0\0\0\0\0\0\0\0\0\0\0", 25);
  std::string all = a + b;
  wire::ReplyReader rr;
  wire::Reply r;
  for (char c : all.substr(0, 30)) rr.feed(std::string_view(&c, 1));
  ASSERT_TRUE(rr.next(&r));
  EXPECT_EQ(r.type, wire::kStatus);
  EXPECT_EQ(r.id, 3u);
  EXPECT_EQ(r.code, 3u);
  EXPECT_EQ(r.message, "no");
  EXPECT_FALSE(rr.next(&r));
  rr.feed(all.substr(30));
  ASSERT_TRUE(rr.next(&r));
  EXPECT_EQ(r.id, 4u);
  EXPECT_EQ(r.code, 0u);
  EXPECT_FALSE(rr.next(&r));
}

TEST(TransferWire, PosixRename) {
  std::string p = wire::posix_rename(9, "a", "bc");
  // type, id, "posix-rename@openssh.com"(24), "a", "bc"
  EXPECT_EQ(p.size(), 4u + 1 + 4 + 4 + 24 + 4 + 1 + 4 + 2);
  EXPECT_EQ(static_cast<unsigned char>(p[4]), wire::kExtended);
  EXPECT_NE(p.find("posix-rename@openssh.com"), std::string::npos);
}

}  // namespace
}  // namespace dust::transfer
