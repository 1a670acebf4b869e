// Fuzzes CloudFormation response parsing (cloud/cloudformation cfn_parse): any bytes are read into
// values or ignored, never a crash.
#include <cstddef>
#include <cstdint>
#include <pugixml.hpp>

#include "cloud/cloudformation.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  pugi::xml_document doc;
  if (!doc.load_buffer(data, size)) return 0;
  pugi::xml_node root = doc.document_element();
  namespace p = dust::cloud::cfn_parse;
  try {
    p::template_info(root);
    p::stack_id(root);
    std::vector<dust::cloud::Stack> stacks;
    p::stacks(root, &stacks);
    std::vector<dust::cloud::StackEvent> events;
    p::stack_events(root, &events);
  } catch (const dust::Error&) {
  }
  return 0;
}
