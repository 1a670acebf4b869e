// Fuzzes the ssh_config reader (ssh/ssh_config): any file content yields values or "", never a
// crash.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

#include "ssh/ssh_config.h"
#include "util/error.h"

namespace {

// The reader takes a path: a file in memory (/dev/shm) keeps the rewrite per input cheap.
struct ScratchFile {
  std::string path = std::string(access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") +
                     "/dust-fuzz-ssh_config." + std::to_string(getpid());
  ~ScratchFile() { unlink(path.c_str()); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ScratchFile scratch;
  const std::string& path = scratch.path;
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) return 0;
  fwrite(data, 1, size, f);
  fclose(f);
  for (const char* host : {"10.0.0.1", "web", "worker3.example.com", ""}) {
    dust::ssh::ssh_config_value(path, host, "StrictHostKeyChecking");
    dust::ssh::ssh_config_value(path, host, "proxyjump");
    try {
      dust::ssh::agent_socket(path, host);
      std::string jump = dust::ssh::ssh_config_value(path, host, "ProxyJump");
      if (!jump.empty()) dust::ssh::proxy_command(jump, path);
    } catch (const dust::Error&) {
    }
  }
  return 0;
}
