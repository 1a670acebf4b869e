// Fuzzes EC2 response parsing (cloud/ec2_parse) and the Query API error reader (cloud/query): any
// bytes an endpoint sends are read into values or ignored, never a crash.
#include <cstddef>
#include <cstdint>
#include <pugixml.hpp>
#include <string_view>

#include "cloud/ec2_parse.h"
#include "cloud/query.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  dust::cloud::parse_error(body);
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return 0;
  pugi::xml_node root = doc.document_element();
  namespace p = dust::cloud::ec2_parse;
  try {
    dust::Nodes nodes;
    p::instances(root, &nodes);
    p::instance(root.child("item"));
    p::state_changes(root);
    p::regions(root);
    std::vector<dust::cloud::SecurityGroup> groups;
    p::security_groups(root, &groups);
  } catch (const dust::Error&) {
  }
  return 0;
}
