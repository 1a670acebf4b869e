// The one formatter of node output: `[label] line`, `[label] notice`, `[label] error: message`,
// with a colour per node on a terminal (NO_COLOR respected). Every `[node]` prefix dust prints
// comes from here.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace dust::shell {

class NodeOutput {
 public:
  explicit NodeOutput(bool colour) : colour_(colour) {}
  // Colour when `fd` is a terminal and NO_COLOR is unset or empty (https://no-color.org).
  static bool colour_wanted(int fd);
  bool colour() const { return colour_; }
  void set_colour(bool on) { colour_ = on; }

  // `[label]`, coloured by the node's identity `key` (instance id): a node keeps its colour when
  // its label changes, two nodes sharing a name get different ones.
  std::string prefix(const std::string& key, std::string_view label);
  std::string line(const std::string& key, std::string_view label,
                   std::string_view text);  // + "\n"
  std::string notice(const std::string& key, std::string_view label,
                     std::string_view text);  // + "\n"
  std::string error(const std::string& key, std::string_view label, std::string_view message);

 private:
  bool colour_;
  std::map<std::string, int> colours_;  // key → colour index, in order of first appearance
};

}  // namespace dust::shell
