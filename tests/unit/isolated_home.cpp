// Every unit test process starts with DUST_HOME in a fresh temporary folder (a test that needs its
// own sets it again): nothing a test does (the node cache, state, history) reaches the real
// ~/.dustcluster, and nothing there reaches a test.
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

struct IsolatedHome {
  IsolatedHome() {
    if (mkdtemp(dir.data())) setenv("DUST_HOME", dir.c_str(), 1);
  }
  ~IsolatedHome() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string dir = "/tmp/dust-unit-home-XXXXXX";
} isolated_home;

}  // namespace
