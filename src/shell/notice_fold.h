// Folds the notices and errors of many nodes into one line per kind (PRODUCT.md §7): 500 first
// contacts print `recorded new host keys for 500 nodes: node[001-500]`, connection failures
// `cannot connect (Connection refused): worker[3,7]`. A kind that only one node reported keeps the
// node's own `[node] message` form, the message in full. Pure: the caller decides when to flush.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace dust::shell {

class NoticeFold {
 public:
  // One node's notice (error = false) or error (true), `text` as the session reported it.
  void add(const std::string& key, const std::string& label, bool error, const std::string& text);
  bool empty() const { return items_.empty(); }

  // What to print, in order of each kind's first report.
  struct Line {
    bool error = false;
    std::string text;  // folded: the whole line; single: the node's message
    // Single: the one node (caller formats `[label] …`); empty for a folded line.
    std::string key, label;
  };
  std::vector<Line> take();
  // The held notices of one node, except new host keys, in the node's own form: printed before
  // that node's next output line, so a node's notice ("reconnecting: …") never follows output
  // that came after it. Cheap when the node has none.
  std::vector<Line> take_node(const std::string& key);

 private:
  struct Item {
    std::string key, label, text;
    bool error;
    std::string kind;  // what nodes failing or noticing the same way share
  };
  std::vector<Item> items_;
  std::map<std::string, int> ordered_;  // key → held items take_node would return
};

}  // namespace dust::shell
