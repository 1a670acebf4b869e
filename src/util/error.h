// dust::Error — an expected failure with a message meant for the user. Caught once, at dispatch.
#pragma once
#include <stdexcept>
#include <string>

namespace dust {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace dust
