// Frame encoding and incremental decoding: whole frames however the bytes arrive, malformed
// headers refused.
#include "server/frame.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace dust::server {
namespace {

std::vector<Frame> read_all(FrameReader& r, FrameReader::Status* last) {
  std::vector<Frame> out;
  Frame f;
  std::string why;
  while ((*last = r.next(&f, &why)) == FrameReader::Status::Frame) out.push_back(f);
  return out;
}

TEST(Frame, HeaderIsTypeThenBigEndianLength) {
  std::string e = encode(Type::Line, "ls");
  ASSERT_EQ(e.size(), kHeader + 2);
  EXPECT_EQ(static_cast<uint8_t>(e[0]), 2);
  EXPECT_EQ(e.substr(1, 4), std::string("\0\0\0\2", 4));
  EXPECT_EQ(e.substr(5), "ls");
  std::string big = encode(Type::Out, std::string(0x010203, 'x'));
  EXPECT_EQ(big.substr(1, 4), std::string("\0\1\2\3", 4));
}

TEST(Frame, WholeFramesHoweverTheBytesAreSplit) {
  std::string stream = encode(Type::Hello, "{}") + encode(Type::Eof) +
                       encode(Type::Line, std::string(70000, 'a')) +
                       encode(Type::Done, "{\"x\":1}");
  for (size_t step : {1u, 2u, 3u, 5u, 4096u, 1000000u}) {
    FrameReader r;
    std::vector<Frame> got;
    FrameReader::Status last;
    for (size_t pos = 0; pos < stream.size(); pos += step) {
      r.feed(std::string_view(stream).substr(pos, step));
      for (Frame& f : read_all(r, &last)) got.push_back(f);
      EXPECT_EQ(last, FrameReader::Status::More);
    }
    ASSERT_EQ(got.size(), 4u) << "step " << step;
    EXPECT_EQ(got[0].type, Type::Hello);
    EXPECT_EQ(got[0].payload, "{}");
    EXPECT_EQ(got[1].type, Type::Eof);
    EXPECT_EQ(got[1].payload, "");
    EXPECT_EQ(got[2].payload.size(), 70000u);
    EXPECT_EQ(got[3].type, Type::Done);
    EXPECT_EQ(r.buffered(), 0u);
  }
}

TEST(Frame, UnknownTypeIsMalformed) {
  FrameReader r;
  r.feed(std::string("\x0b\0\0\0\0", 5));
  Frame f;
  std::string why;
  EXPECT_EQ(r.next(&f, &why), FrameReader::Status::Malformed);
  EXPECT_EQ(why, "unknown message type 11");
  FrameReader zero;
  zero.feed(std::string("\0\0\0\0\0", 5));
  EXPECT_EQ(zero.next(&f, &why), FrameReader::Status::Malformed);
}

TEST(Frame, OversizedLengthIsMalformedBeforeThePayloadArrives) {
  FrameReader r;
  r.feed(std::string("\x02\x01\0\0\x01", 5));  // 16 MiB + 1
  Frame f;
  std::string why;
  EXPECT_EQ(r.next(&f, &why), FrameReader::Status::Malformed);
  EXPECT_NE(why.find("at most"), std::string::npos) << why;
}

TEST(Frame, EveryDeclaredTypeIsKnown) {
  for (Type t : {Type::Hello, Type::Line, Type::Eof, Type::Interrupt, Type::Winch, Type::Complete,
                 Type::Kill, Type::Answer, Type::Input, Type::Stdin, Type::Out, Type::Err,
                 Type::Done, Type::Completions, Type::Bye, Type::Ask, Type::RawBegin, Type::RawEnd})
    EXPECT_TRUE(known_type(static_cast<uint8_t>(t))) << static_cast<int>(t);
  EXPECT_FALSE(known_type(0));
  EXPECT_FALSE(known_type(31));
  EXPECT_FALSE(known_type(40));
  EXPECT_FALSE(known_type(255));
}

}  // namespace
}  // namespace dust::server
