// Fuzzes get -r's extraction of a node's tar stream (transfer/tree_fetch extract_tree): any bytes
// are extracted below one temporary directory or refused, never a crash, a hang or a file written
// outside it (checked: the directory's parent holds nothing else afterwards).
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "transfer/tree_extract.h"
#include "transfer/tree_fetch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace fs = std::filesystem;
  static const std::string root = [] {
    char tmpl[] = "/tmp/dust-fuzz-tree-XXXXXX";
    std::string r = mkdtemp(tmpl);
    return r;
  }();
  int fd = memfd_create("tree", MFD_CLOEXEC);
  if (fd < 0) return 0;
  for (size_t done = 0; done < size;) {
    ssize_t w = write(fd, data + done, size - done);
    if (w <= 0) break;
    done += static_cast<size_t>(w);
  }
  dust::transfer::TreeOptions opt;
  opt.top_mode = 0755;
  opt.force = size % 2;
  dust::transfer::TreeResult res;
  std::vector<std::string> skipped;
  std::string err;
  dust::transfer::extract_tree(fd, root + "/top", opt, &res, &skipped, &err);
  close(fd);
  for (const auto& e : fs::directory_iterator(root))
    if (e.path().filename() != "top") abort();  // something landed beside the destination
  std::error_code ec;
  fs::remove_all(root + "/top", ec);
  return 0;
}
