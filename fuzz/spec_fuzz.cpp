// Fuzzes the `load` spec reader (cluster/spec): any text is accepted or refused with dust::Error,
// and an accepted spec expands to instances and a cluster file.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cluster/spec.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    dust::cluster::Spec s = dust::cluster::parse_spec(text, "fuzz.yaml");
    auto instances = dust::cluster::expand(s);
    if (instances.size() > static_cast<size_t>(dust::cluster::kMaxInstances)) __builtin_trap();
    dust::cluster::cluster_file_for(s);
  } catch (const dust::Error&) {
  }
  return 0;
}
