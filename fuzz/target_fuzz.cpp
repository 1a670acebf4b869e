// Fuzzes the target language (select/target): any text parses or fails with a message, and a parsed
// target matches nodes without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "select/target.h"

namespace {

dust::Nodes sample_nodes() {
  dust::Nodes nodes(4);
  const char* names[] = {"master", "worker0", "worker10", ""};
  for (size_t i = 0; i < nodes.size(); ++i) {
    dust::Node& n = nodes[i];
    n.name = names[i];
    n.id = "i-0" + std::to_string(i) + "abcdef";
    n.state = i % 2 ? "running" : "stopped";
    n.instance_type = "t2.nano";
    n.private_ip = "10.0.0." + std::to_string(i);
    n.az = "us-east-1a";
    n.tags = {
        {"Name", n.name}, {"aws:cloudformation:stack-name", "kafka1"}, {"env", i ? "dev" : "prod"}};
  }
  return nodes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const dust::Nodes nodes = sample_nodes();
  std::string_view text(reinterpret_cast<const char*>(data), size);
  dust::select::Target t;
  std::string err;
  if (!dust::select::parse(text, &t, &err)) {
    if (err.empty()) __builtin_trap();  // a refusal must say why
    return 0;
  }
  t.all();
  t.is_plain_name();
  dust::select::select(t, nodes);
  return 0;
}
