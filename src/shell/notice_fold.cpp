// NoticeFold (see notice_fold.h).
#include "shell/notice_fold.h"

#include <fmt/format.h>

#include "shell/outcome.h"
#include "util/fold.h"

namespace dust::shell {
namespace {

constexpr std::string_view kNewKey = "recorded new host key ";

}  // namespace

void NoticeFold::add(const std::string& key, const std::string& label, bool error,
                     const std::string& text) {
  std::string kind;
  if (error)
    kind = error_reason(text);
  else if (text.rfind(kNewKey, 0) == 0)
    kind = std::string(kNewKey);  // fingerprints differ per node: listed by `hostkeys`
  else
    kind = text;
  if (error || kind != kNewKey) ++ordered_[key];
  items_.push_back({key, label, text, error, std::move(kind)});
}

std::vector<NoticeFold::Line> NoticeFold::take_node(const std::string& key) {
  std::vector<Line> out;
  if (ordered_.empty() || ordered_.erase(key) == 0) return out;
  std::vector<Item> keep;
  for (auto& it : items_) {
    if (it.key == key && (it.error || it.kind != kNewKey))
      out.push_back({it.error, it.text, it.key, it.label});
    else
      keep.push_back(std::move(it));
  }
  items_ = std::move(keep);
  return out;
}

std::vector<NoticeFold::Line> NoticeFold::take() {
  std::vector<Line> out;
  std::vector<bool> done(items_.size());
  for (size_t i = 0; i < items_.size(); ++i) {
    if (done[i]) continue;
    const Item& first = items_[i];
    std::vector<std::string> labels;
    for (size_t j = i; j < items_.size(); ++j)
      if (!done[j] && items_[j].error == first.error && items_[j].kind == first.kind) {
        done[j] = true;
        labels.push_back(items_[j].label);
      }
    if (labels.size() == 1) {
      out.push_back({first.error, first.text, first.key, first.label});
    } else if (!first.error && first.kind == kNewKey) {
      out.push_back({false,
                     fmt::format("recorded new host keys for {} nodes: {} (`hostkeys` lists them)",
                                 labels.size(), fold_names(labels)),
                     "", ""});
    } else {
      out.push_back({first.error, fmt::format("{}: {}", first.kind, fold_names(labels)), "", ""});
    }
  }
  items_.clear();
  ordered_.clear();
  return out;
}

}  // namespace dust::shell
