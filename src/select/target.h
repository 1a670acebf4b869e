// The target language (PRODUCT.md §2): parse a target string once, then match nodes against it.
// Pure logic, no I/O. Examples: "", "*", "worker*", "worker[0-4,7]", "node[01-10]", "state=run*",
// "tags=aws:cloudformation:stack-name:kafka1", "master,worker[0-2]", "!worker3",
// ":failed,!worker3". The named sets ":failed" and ":ok" (the last command's outcome) are bound by
// the caller (bind).
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/node.h"

namespace dust::select {

struct Term;  // one comma-separated part (defined in target.cpp)

class Target {
 public:
  Target();
  ~Target();
  Target(Target&&) noexcept;
  Target& operator=(Target&&) noexcept;

  bool all() const;                   // empty or "*": every node
  bool matches(const Node& n) const;  // union of terms minus exclusions (only "!x" = all but x)
  const std::string& text() const { return text_; }
  // True when the target is a plain name (no glob, range, filter, union): "worker0".
  bool is_plain_name() const;

  // Named sets the target uses (":failed" → "failed"), each once, with whether it is included
  // (true) or only excluded ("!:failed"). They match nothing until bound.
  std::vector<std::pair<std::string, bool>> sets() const;
  // Binds the set `name` to the instance ids it holds.
  void bind(const std::string& name, std::vector<std::string> ids);

 private:
  friend bool parse(std::string_view, Target*, std::string*);
  std::string text_;
  std::vector<std::unique_ptr<Term>> include_, exclude_;  // no includes = every node
  bool all_ = true;                                       // matches every node
};

// Parses text; on failure returns false and sets *err to a message naming what is wrong.
bool parse(std::string_view text, Target* out, std::string* err);

// Indices of the nodes that match, in inventory order.
std::vector<size_t> select(const Target& t, const Nodes& nodes);

// Property keys usable in key=value (with aliases), for errors, help and completion.
const std::vector<std::string>& property_keys();

// The named sets a target may use (":failed", ":ok"), for errors, help and completion.
const std::vector<std::string>& set_names();

// Value of a property for a node ("state" → "running"); false if the key is unknown.
bool property(const Node& n, std::string_view key, std::string* value);

}  // namespace dust::select
