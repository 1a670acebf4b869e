// Unit tests for get -r's tree stream: tree_command run by a local /bin/sh as a node's login shell
// runs it (a real find and tar), and extract_tree against the archives a hostile node could send
// (written with libarchive): names that climb out, links, devices, duplicates, depth, truncation.
#include "transfer/tree_fetch.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "transfer/link.h"
#include "transfer/tree_extract.h"

namespace dust::transfer {
namespace {

namespace fs = std::filesystem;

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

struct Hostile {
  std::string name;
  mode_t type = AE_IFREG;
  std::string data;
  std::string link;  // a symlink's target or a hard link's
};

class TreeFetch : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dust-tree-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    top_ = dir_ + "/out/top";
    fs::create_directories(dir_ + "/out");
  }
  void TearDown() override {
    std::system(("chmod -R u+rwx " + shell_quote(dir_) + " 2>/dev/null").c_str());
    fs::remove_all(dir_);
  }

  // An archive of `entries` in a memory file; `cut` bytes taken off its end.
  int archive_of(const std::vector<Hostile>& entries, size_t cut = 0) {
    int fd = memfd_create("t", MFD_CLOEXEC);
    archive* a = archive_write_new();
    archive_write_set_format_gnutar(a);
    archive_write_open_fd(a, fd);
    for (const auto& h : entries) {
      archive_entry* e = archive_entry_new();
      archive_entry_set_pathname(e, h.name.c_str());
      archive_entry_set_filetype(e, h.type);
      archive_entry_set_perm(e, h.type == AE_IFDIR ? 0755 : 0640);
      if (h.type == AE_IFLNK) archive_entry_set_symlink(e, h.link.c_str());
      if (h.type == AE_IFREG && !h.link.empty()) archive_entry_set_hardlink(e, h.link.c_str());
      archive_entry_set_size(
          e, h.type == AE_IFREG && h.link.empty() ? static_cast<la_int64_t>(h.data.size()) : 0);
      archive_write_header(a, e);
      if (!h.data.empty() && h.link.empty()) archive_write_data(a, h.data.data(), h.data.size());
      archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    struct stat st {};
    fstat(fd, &st);
    if (cut) EXPECT_EQ(ftruncate(fd, st.st_size - static_cast<off_t>(cut)), 0);
    return fd;
  }

  bool extract(int fd, bool force = false) {
    result_ = {};
    skipped_.clear();
    err_.clear();
    bool ok = extract_tree(fd, top_, TreeOptions{0750, force}, &result_, &skipped_, &err_);
    close(fd);
    return ok;
  }

  // Every path below dir_ (relative), to show nothing was written outside top_.
  std::vector<std::string> everything() const {
    std::vector<std::string> out;
    for (auto& p : fs::recursive_directory_iterator(dir_))
      out.push_back(fs::relative(p.path(), dir_).string());
    std::sort(out.begin(), out.end());
    return out;
  }
  bool skipped(const std::string& needle) const {
    for (const auto& s : skipped_)
      if (s.find(needle) != std::string::npos) return true;
    return false;
  }

  std::string dir_, top_, err_;
  TreeResult result_;
  std::vector<std::string> skipped_;
};

TEST_F(TreeFetch, AnArchiveOfDirectoriesAndFilesIsWrittenWithContentAndModes) {
  int fd = archive_of({{"./a/", AE_IFDIR},
                       {"./a/one", AE_IFREG, "first"},
                       {"./a/b/", AE_IFDIR},
                       {"./a/b/two words", AE_IFREG, std::string(100000, 'x')},
                       {"./top-level", AE_IFREG, ""}});
  ASSERT_TRUE(extract(fd)) << err_;
  EXPECT_TRUE(skipped_.empty());
  EXPECT_EQ(result_.files, 3u);
  EXPECT_EQ(result_.dirs, 2u);
  EXPECT_EQ(slurp(top_ + "/a/one"), "first");
  EXPECT_EQ(slurp(top_ + "/a/b/two words"), std::string(100000, 'x'));
  EXPECT_EQ(fs::file_size(top_ + "/top-level"), 0u);
  EXPECT_EQ(static_cast<int>(fs::status(top_ + "/a/one").permissions()), 0640);
  EXPECT_EQ(static_cast<int>(fs::status(top_).permissions()), 0750);
  for (const auto& p : everything()) EXPECT_EQ(p.find(".dust-part"), std::string::npos) << p;
}

TEST_F(TreeFetch, NamesThatClimbOutAreRefusedAndNothingLandsOutside) {
  int fd = archive_of({{"../escape", AE_IFREG, "x"},
                       {"/etc/abs", AE_IFREG, "x"},
                       {"./a/../../b", AE_IFREG, "x"},
                       {"./../c", AE_IFREG, "x"},
                       {"no-dot-slash", AE_IFREG, "x"},
                       {"./d//e", AE_IFREG, "x"},
                       {"./ok", AE_IFREG, "fine"}});
  ASSERT_TRUE(extract(fd)) << err_;
  EXPECT_EQ(skipped_.size(), 6u);
  EXPECT_TRUE(skipped("\"../escape\": refused the name: not below the directory"));
  EXPECT_TRUE(skipped("\"./a/../../b\": refused the name: not a file name"));
  EXPECT_TRUE(skipped("\"./d//e\": refused the name: an empty name"));
  EXPECT_EQ(everything(), (std::vector<std::string>{"out", "out/top", "out/top/ok"}));
}

TEST_F(TreeFetch, LinksDevicesAndDuplicatesAreLeftOutNamed) {
  int fd = archive_of({{"./ln", AE_IFLNK, "", "/etc"},
                       {"./hard", AE_IFREG, "", "/etc/passwd"},
                       {"./fifo", AE_IFIFO},
                       {"./dev", AE_IFCHR},
                       {"./f", AE_IFREG, "one"},
                       {"./f", AE_IFREG, "two"},
                       {"./ln/passwd", AE_IFREG, "inside"}});
  ASSERT_TRUE(extract(fd)) << err_;
  EXPECT_TRUE(skipped("\"ln\": a link, not copied"));
  EXPECT_TRUE(skipped("\"hard\": a link, not copied"));
  EXPECT_TRUE(skipped("\"fifo\": not a regular file"));
  EXPECT_TRUE(skipped("\"dev\": not a regular file"));
  EXPECT_TRUE(skipped("\"f\": listed twice"));
  EXPECT_EQ(slurp(top_ + "/f"), "one");
  // No link was made: "ln" is a plain directory of ours, so its file stays below top.
  EXPECT_FALSE(fs::is_symlink(top_ + "/ln"));
  EXPECT_EQ(slurp(top_ + "/ln/passwd"), "inside");
  EXPECT_EQ(everything(), (std::vector<std::string>{"out", "out/top", "out/top/f", "out/top/ln",
                                                    "out/top/ln/passwd"}));
}

TEST_F(TreeFetch, MoreThanTheDepthLimitIsLeftOut) {
  std::string deep = ".";
  for (int i = 0; i < 64; ++i) deep += "/d";
  // Below a directory left out for its depth nothing more is named; a file that deep without its
  // directory listed (a hostile stream) is named itself.
  int fd = archive_of({{deep.substr(0, deep.size() - 2) + "/f", AE_IFREG, "ok"},
                       {deep + "/", AE_IFDIR},
                       {deep + "/f", AE_IFREG, "too deep"},
                       {deep + "/g", AE_IFREG, "too deep"},
                       {"./x" + deep.substr(1) + "/f", AE_IFREG, "too deep"}});
  ASSERT_TRUE(extract(fd)) << err_;
  EXPECT_EQ(skipped_.size(), 2u);
  EXPECT_TRUE(skipped("/d/\": more than 64 directory levels, not copied"));
  EXPECT_TRUE(skipped("/d/f\": more than 64 directory levels, not copied"));
  EXPECT_EQ(result_.files, 1u);
}

TEST_F(TreeFetch, AnExistingFileFailsTheTreeBeforeAnythingIsWrittenUnlessForced) {
  fs::create_directories(top_);
  std::ofstream(top_ + "/b") << "mine";
  auto entries = std::vector<Hostile>{{"./a", AE_IFREG, "new a"}, {"./b", AE_IFREG, "new b"}};
  EXPECT_FALSE(extract(archive_of(entries)));
  EXPECT_EQ(err_, top_ + "/b exists (use -f to overwrite)");
  EXPECT_FALSE(fs::exists(top_ + "/a"));
  EXPECT_EQ(slurp(top_ + "/b"), "mine");
  ASSERT_TRUE(extract(archive_of(entries), true)) << err_;
  EXPECT_EQ(slurp(top_ + "/b"), "new b");
}

TEST_F(TreeFetch, AFileWhereADirectoryMustGoFailsNamingIt) {
  EXPECT_FALSE(extract(archive_of({{"./a", AE_IFREG, "file"}, {"./a/b", AE_IFREG, "under"}})));
  EXPECT_EQ(err_, top_ + "/a: exists and is not a directory");
  EXPECT_EQ(slurp(top_ + "/a"), "file");
}

TEST_F(TreeFetch, ATruncatedStreamFailsAndLeavesNoPartFile) {
  EXPECT_FALSE(extract(archive_of({{"./big", AE_IFREG, std::string(50000, 'y')}}, 30000)));
  EXPECT_NE(err_.find("the tree's stream"), std::string::npos) << err_;
  EXPECT_FALSE(fs::exists(top_ + "/big"));
  EXPECT_FALSE(fs::exists(top_ + "/big.dust-part"));
}

TEST_F(TreeFetch, NotAnArchiveFailsClearly) {
  int fd = memfd_create("t", MFD_CLOEXEC);
  std::string junk(3000, '\x1b');
  ASSERT_EQ(write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
  EXPECT_FALSE(extract(fd));
  EXPECT_NE(err_.find("the tree's stream"), std::string::npos) << err_;
}

// tree_command on this machine's find and tar, then extract_tree of what it sent: a tree with a
// symlink loop, a dangling link, an unreadable directory and awkward names comes whole except
// those, each named on stderr, with a non-zero exit.
TEST_F(TreeFetch, TheRemoteCommandSendsTheTreeFollowingLinksAndSkippingLoops) {
  std::string src = dir_ + "/src dir";
  fs::create_directories(src + "/a/b");
  std::ofstream(src + "/a/b/f") << "content";
  std::ofstream(src + "/a/it's $x*") << "quoted";
  fs::create_directory_symlink("..", src + "/a/b/up");  // a loop
  fs::create_symlink("a/b/f", src + "/via-link");       // followed: a file
  fs::create_symlink("nowhere", src + "/dangling");
  std::string header = dir_ + "/header", spool = dir_ + "/spool", err = dir_ + "/err";
  std::string cmd = tree_command(src) + " 2>" + shell_quote(err) +
                    " | (IFS= read -r h; echo \"$h\" > " + shell_quote(header) + "; cat > " +
                    shell_quote(spool) + ")";
  int rc = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(rc));
  EXPECT_EQ(slurp(header).substr(0, 1), "d");
  EXPECT_NE(slurp(err).find("dangling"), std::string::npos) << slurp(err);
  int fd = open(spool.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(extract(fd)) << err_;
  EXPECT_TRUE(skipped_.empty());
  EXPECT_EQ(slurp(top_ + "/a/b/f"), "content");
  EXPECT_EQ(slurp(top_ + "/a/it's $x*"), "quoted");
  EXPECT_EQ(slurp(top_ + "/via-link"), "content");
  EXPECT_FALSE(fs::is_symlink(top_ + "/via-link"));
  EXPECT_FALSE(fs::exists(top_ + "/a/b/up"));
  EXPECT_FALSE(fs::exists(top_ + "/dangling"));
}

TEST_F(TreeFetch, TheRemoteCommandSendsAFileAloneAndRefusesWhatIsMissing) {
  std::ofstream(dir_ + "/plain") << "just a file";
  std::string out = dir_ + "/out.txt", err = dir_ + "/err";
  int rc = std::system(
      (tree_command(dir_ + "/plain") + " > " + shell_quote(out) + " 2>" + shell_quote(err))
          .c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 0);
  std::string got = slurp(out);
  EXPECT_EQ(got.substr(0, 1), "-");
  EXPECT_EQ(got.substr(got.find('\n') + 1), "just a file");
  rc = std::system((tree_command(dir_ + "/missing") + " 2>" + shell_quote(err)).c_str());
  EXPECT_EQ(WEXITSTATUS(rc), 1);
  EXPECT_EQ(slurp(err), "no such file or directory\n");
}

TEST_F(TreeFetch, ANodesSetuidSetgidAndStickyBitsNeverLand) {
  int fd = memfd_create("t", MFD_CLOEXEC);
  archive* a = archive_write_new();
  archive_write_set_format_gnutar(a);
  archive_write_open_fd(a, fd);
  for (auto [name, type, perm] :
       {std::tuple{"./ww/", AE_IFDIR, 07777}, {"./ww/suid", AE_IFREG, 06777}}) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, perm);
    archive_entry_set_size(e, 0);
    archive_write_header(a, e);
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  ASSERT_TRUE(extract(fd)) << err_;
  EXPECT_EQ(static_cast<int>(fs::status(top_ + "/ww/suid").permissions()), 0777);
  EXPECT_EQ(static_cast<int>(fs::status(top_ + "/ww").permissions()), 0777);
}

TEST_F(TreeFetch, ASymlinkBelowTheTopIsNeverFollowedAndNothingIsWritten) {
  // Another local user planted ww/x -> a directory of the person's (a folder left writable).
  fs::create_directories(top_ + "/ww");
  fs::create_directories(dir_ + "/private");
  fs::create_directory_symlink(dir_ + "/private", top_ + "/ww/x");
  int fd = archive_of({{"./first", AE_IFREG, "1"}, {"./ww/x/evil", AE_IFREG, "planted"}});
  EXPECT_FALSE(extract(fd, true));
  EXPECT_EQ(err_, top_ + "/ww/x: a symbolic link in the way (not followed)");
  EXPECT_FALSE(fs::exists(dir_ + "/private/evil"));
  EXPECT_FALSE(fs::exists(top_ + "/first"));  // checked before anything was written
  // A directory entry over the link: the same.
  EXPECT_FALSE(extract(archive_of({{"./ww/x/", AE_IFDIR}})));
  EXPECT_EQ(err_, top_ + "/ww/x: a symbolic link in the way (not followed)");
}

TEST_F(TreeFetch, WhatIsInTheWayFailsBeforeAnythingIsWritten) {
  fs::create_directories(top_ + "/d");
  std::ofstream(top_ + "/f") << "mine";
  std::ofstream(top_ + "/g.dust-part") << "mine too";
  auto first = Hostile{"./first", AE_IFREG, "1"};
  EXPECT_FALSE(extract(archive_of({first, {"./d", AE_IFREG, "over a directory"}}), true));
  EXPECT_EQ(err_, top_ + "/d: is a directory");
  EXPECT_FALSE(extract(archive_of({first, {"./f/", AE_IFDIR}}), true));
  EXPECT_EQ(err_, top_ + "/f: exists and is not a directory");
  EXPECT_FALSE(extract(archive_of({first, {"./g", AE_IFREG, "new"}}), true));
  EXPECT_EQ(err_, top_ + "/g.dust-part exists (a cut transfer leaves one: remove it)");
  EXPECT_EQ(slurp(top_ + "/g.dust-part"), "mine too");
  EXPECT_FALSE(fs::exists(top_ + "/first"));
}

TEST_F(TreeFetch, ACancelStopsTheExtraction) {
  int fd = archive_of({{"./a", AE_IFREG, "1"}, {"./b", AE_IFREG, "2"}});
  TreeOptions opt;
  opt.cancelled = [] { return true; };
  EXPECT_FALSE(extract_tree(fd, top_, opt, &result_, &skipped_, &err_));
  close(fd);
  EXPECT_EQ(err_, "interrupted");
  EXPECT_FALSE(fs::exists(top_ + "/a"));
}

TEST_F(TreeFetch, AHugeNameIsRefusedShortAndLeftOutNamesAreCapped) {
  std::vector<Hostile> entries{{"./" + std::string(100000, 'n'), AE_IFREG, "x"}};
  for (int i = 0; i < 150; ++i) entries.push_back({"../x" + std::to_string(i), AE_IFREG, "x"});
  ASSERT_TRUE(extract(archive_of(entries))) << err_;
  ASSERT_EQ(skipped_.size(), kMaxSkippedNamed + 1);
  EXPECT_LT(skipped_[0].size(), 400u);
  EXPECT_NE(skipped_[0].find("longer than 4096 bytes"), std::string::npos);
  EXPECT_EQ(skipped_.back(), "and 51 more left out");
}

// glob_command on this machine's sh, find and tar: the node expands the pattern itself.
class GlobCommand : public TreeFetch {
 protected:
  // Runs the command; returns its exit status, fills header_, err_out_ and the extracted tree.
  int run(const std::string& cmd) {
    std::string header = dir_ + "/header", spool = dir_ + "/spool", err = dir_ + "/err",
                status = dir_ + "/status";
    std::string line = "{ " + cmd + " 2>" + shell_quote(err) + "; echo $? > " +
                       shell_quote(status) + "; } | (IFS= read -r h; echo \"$h\" > " +
                       shell_quote(header) + "; cat > " + shell_quote(spool) + ")";
    std::system(line.c_str());
    header_ = slurp(header);
    err_out_ = slurp(err);
    int fd = open(spool.c_str(), O_RDONLY);
    if (fd >= 0 && fs::file_size(spool) > 0) extract(fd);
    return std::atoi(slurp(status).c_str());
  }
  void SetUp() override {
    TreeFetch::SetUp();
    src_ = dir_ + "/logs dir";
    fs::create_directories(src_ + "/sub.log");
    for (const char* n : {"a.log", "b c.log", ".hidden.log", "c.txt", "sub.log/inner"})
      std::ofstream(src_ + "/" + n) << n;
  }
  std::string src_, header_, err_out_;
};

TEST_F(GlobCommand, MatchesComeAloneAndADirectoryIsNamedWithoutR) {
  int rc = run(glob_command(src_, "*.log", false));
  EXPECT_NE(rc, 0);
  EXPECT_EQ(header_.substr(0, 1), "d");
  EXPECT_EQ(err_out_, "./sub.log: is a directory (use -r), not copied\n");
  EXPECT_EQ(slurp(top_ + "/a.log"), "a.log");
  EXPECT_EQ(slurp(top_ + "/b c.log"), "b c.log");
  EXPECT_FALSE(fs::exists(top_ + "/.hidden.log"));  // as fnmatch's FNM_PERIOD
  EXPECT_FALSE(fs::exists(top_ + "/c.txt"));
  EXPECT_FALSE(fs::exists(top_ + "/sub.log"));
}

TEST_F(GlobCommand, WithRADirectoryMatchedComesWhole) {
  EXPECT_EQ(run(glob_command(src_, "*.log", true)), 0) << err_out_;
  EXPECT_EQ(slurp(top_ + "/sub.log/inner"), "sub.log/inner");
  EXPECT_EQ(result_.files, 3u);
}

TEST_F(GlobCommand, TheSuffixGoesOnTheFirstComponent) {
  EXPECT_EQ(run(glob_command(src_, "*.log", true)), 0) << err_out_;
  fs::remove_all(top_);
  TreeOptions opt;
  opt.suffix = ".web";
  int fd = open((dir_ + "/spool").c_str(), O_RDONLY);
  ASSERT_TRUE(extract_tree(fd, top_, opt, &result_, &skipped_, &err_)) << err_;
  close(fd);
  EXPECT_EQ(slurp(top_ + "/a.log.web"), "a.log");
  EXPECT_EQ(slurp(top_ + "/sub.log.web/inner"), "sub.log/inner");
}

TEST_F(GlobCommand, NoMatchAMissingDirectoryAndNoCommandSubstitution) {
  EXPECT_EQ(run(glob_command(src_, "*.none", false)), 1);
  EXPECT_EQ(err_out_, "no match\n");
  EXPECT_EQ(run(glob_command(dir_ + "/missing", "*.log", false)), 1);
  EXPECT_EQ(err_out_, "no such directory\n");
  std::string pwned = dir_ + "/pwned";
  EXPECT_EQ(run(glob_command(src_, "$(touch " + pwned + ")*", false)), 1);
  EXPECT_EQ(err_out_, "no match\n");
  EXPECT_FALSE(fs::exists(pwned));
}

}  // namespace
}  // namespace dust::transfer
