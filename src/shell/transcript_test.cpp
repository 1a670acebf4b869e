// Tests for the per-node transcript recorder (file names, records, last.ok/last.failed, bad dirs).
#include "shell/transcript.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <regex>

#include "util/atomic_file.h"
#include "util/error.h"

namespace dust::shell {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "dust-transcript-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

ssh::Endpoint ep(const std::string& label, const std::string& key) {
  ssh::Endpoint e;
  e.node_label = label;
  e.key = key;
  return e;
}

// The records of a transcript with their timestamps checked and removed.
std::vector<std::string> records(const fs::path& p) {
  static const std::regex ts(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (.*)$)");
  std::vector<std::string> out;
  std::string text = util::read_file(p.string());
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    std::string line = text.substr(start, nl - start);
    std::smatch m;
    EXPECT_TRUE(std::regex_match(line, m, ts)) << line;
    out.push_back(m.size() > 1 ? m[1].str() : line);
    start = nl == std::string::npos ? text.size() : nl + 1;
  }
  return out;
}

mode_t mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(TranscriptFileName, KeepsSafeLabelsAndReplacesTheRest) {
  EXPECT_EQ(transcript_file_name("worker0"), "worker0");
  EXPECT_EQ(transcript_file_name("web(i-0abc)"), "web(i-0abc)");
  EXPECT_EQ(transcript_file_name("a/b c"), "a_b_c");
  EXPECT_EQ(transcript_file_name(".."), "_..");
  EXPECT_EQ(transcript_file_name(".hidden"), "_.hidden");
  EXPECT_EQ(transcript_file_name(""), "_");
  EXPECT_EQ(transcript_file_name("n\xc3\xa9"), "n__");
}

TEST(TranscriptTimestamp, IsUtcWithMilliseconds) {
  EXPECT_TRUE(
      std::regex_match(utc_timestamp(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
}

TEST(Transcript, RecordsLinesSentOutputAndResultsPerNode) {
  TempDir d;
  EventLoop loop;
  fs::path dir = d.path / "logs" / "run1";
  auto a = ep("worker0", "i-1"), b = ep("web/x", "i-2");
  {
    Transcript t(loop, dir.string());
    EXPECT_EQ(mode_of(dir), 0700u);
    EXPECT_EQ(mode_of(d.path / "logs"), 0700u);
    t.begin({a, b}, {"worker0", "web/x"});
    t.sent(a, "worker0", "uptime", Sessions::Tap::Sent::Command);
    t.sent(b, "web/x", "uptime", Sessions::Tap::Sent::Command);
    t.event({ssh::NodeEvent::Kind::Line, a, "up 3 days", -1, "up 3 days"}, "worker0");
    // A node's bytes as a file should keep them: what a CR would hide, escapes shown, no colour.
    t.event({ssh::NodeEvent::Kind::Line, a, "ls", -1, "rm -rf /\rls \x1b[31m\x1b]0;t\x07"},
            "worker0");
    t.event({ssh::NodeEvent::Kind::Partial, a, "Password: ", -1, "Password: "}, "worker0");
    t.sent(a, "worker0", "hunter2", Sessions::Tap::Sent::Secret);
    t.sent(a, "worker0", "y", Sessions::Tap::Sent::Input);
    EXPECT_FALSE(fs::exists(dir / "last.ok"));  // not before the command ended everywhere
    t.event({ssh::NodeEvent::Kind::Done, a, {}, 0}, "worker0");
    t.event({ssh::NodeEvent::Kind::Error, b, "connection lost \x1b[2J"}, "web/x");
    EXPECT_EQ(util::read_file((dir / "last.ok").string()), "worker0\n");
    EXPECT_EQ(util::read_file((dir / "last.failed").string()), "web/x\n");
  }
  EXPECT_EQ(records(dir / "worker0.log"),
            (std::vector<std::string>{"$ uptime", "| up 3 days", "| rm -rf /\\rls \\x1b]0;t\\x07",
                                      "~ Password: ", "> (secret input, not recorded)", "> y",
                                      "= exit 0"}));
  EXPECT_EQ(records(dir / "web_x.log"),
            (std::vector<std::string>{"$ uptime", "! connection lost \\x1b[2J"}));
  EXPECT_EQ(util::read_file((dir / "worker0.log").string()).find("hunter2"), std::string::npos);
  for (const char* f : {"worker0.log", "web_x.log", "last.ok", "last.failed"})
    EXPECT_EQ(mode_of(dir / f), 0600u) << f;
}

TEST(Transcript, AppendsAcrossRecordersAndRecordsRawBytesAndTransfers) {
  TempDir d;
  EventLoop loop;
  auto a = ep("db", "i-3");
  {
    Transcript t(loop, d.path.string());
    t.raw(a, "db", Sessions::Tap::RawMark::Attached, {});
    t.raw(a, "db", Sessions::Tap::RawMark::Bytes, "\x1b[1m$ \x1b[0mls\r\n");
    t.raw(a, "db", Sessions::Tap::RawMark::Bytes, "a b");
    t.raw(a, "db", Sessions::Tap::RawMark::Detached, {});
  }
  {
    Transcript t(loop, d.path.string());
    t.begin({a}, {"db"});
    t.outcome(a, "db", false, "put failed: No space left on device");
    EXPECT_EQ(util::read_file((d.path / "last.failed").string()), "db\n");
    EXPECT_EQ(util::read_file((d.path / "last.ok").string()), "");
  }
  std::string text = util::read_file((d.path / "db.log").string());
  EXPECT_NE(
      text.find("Z # raw mode attached (bytes as received follow)\n\x1b[1m$ \x1b[0mls\r\na b\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("Z # raw mode detached\n"), std::string::npos);
  EXPECT_NE(text.find("Z ! put failed: No space left on device\n"), std::string::npos);
}

TEST(Transcript, NodesStillRunningAtTheEndCountAsFailed) {
  TempDir d;
  EventLoop loop;
  auto a = ep("a", "i-a"), b = ep("b", "i-b");
  {
    Transcript t(loop, d.path.string());
    t.begin({a, b}, {"a", "b"});
    t.event({ssh::NodeEvent::Kind::Done, a, {}, 0}, "a");
  }
  EXPECT_EQ(util::read_file((d.path / "last.ok").string()), "a\n");
  EXPECT_EQ(util::read_file((d.path / "last.failed").string()), "b\n");
}

TEST(Transcript, RefusesADirThatIsAFileAndCreatesNothing) {
  TempDir d;
  EventLoop loop;
  util::write_file_atomic((d.path / "f").string(), "x");
  try {
    Transcript t(loop, (d.path / "f").string());
    FAIL() << "accepted a file";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is not a directory"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Transcript(loop, (d.path / "f" / "sub").string()), Error);
  int entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(d.path)) ++entries;
  EXPECT_EQ(entries, 1);  // only f: no probe, no directory left behind
}

}  // namespace
}  // namespace dust::shell
