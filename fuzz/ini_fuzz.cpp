// Fuzzes the AWS INI reader (cloud/ini): any text parses into sections, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cloud/ini.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  dust::cloud::ini::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
