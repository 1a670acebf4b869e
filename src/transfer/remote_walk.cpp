// RemoteWalk (see remote_walk.h).
#include "transfer/remote_walk.h"

#include <fmt/format.h>
#include <libssh/libssh.h>

#include <algorithm>
#include <cstdlib>

#include "transfer/remote_name.h"

namespace dust::transfer {
namespace {

using Clock = std::chrono::steady_clock;

std::string join(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  return a.back() == '/' ? a + b : a + "/" + b;
}

// Frees a listing's memory without a CLOSE to the server (the connection is gone).
void forget_dir(sftp_dir d) {
  ssh_string_free(d->handle);
  ssh_buffer_free(d->buffer);
  free(d->name);
  free(d);
}

}  // namespace

RemoteWalk::~RemoteWalk() { close(false); }

void RemoteWalk::close(bool connection_alive) {
  if (!dir_) return;
  if (connection_alive)
    sftp_closedir(dir_);
  else
    forget_dir(dir_);
  dir_ = nullptr;
}

std::string RemoteWalk::real_path(const std::string& remote) {
  char* r = sftp_canonicalize_path(link_.sftp(), remote.c_str());
  if (!r) return "";
  std::string real = r;
  ssh_string_free_char(r);
  return real;
}

void RemoteWalk::add_root(const std::string& remote, const std::string& local, uint32_t mode) {
  std::string real = real_path(remote);
  // Pushed at the front: roots are walked in the order added, after nothing else.
  todo_.insert(todo_.begin(), std::make_shared<const Dir>(Dir{
                                  remote, local, real.empty() ? remote : real, mode, 0, nullptr}));
}

void RemoteWalk::enter(std::vector<Item>& items, std::string* err) {
  cur_ = todo_.back();
  todo_.pop_back();
  entries_.clear();
  subdirs_.clear();
  next_ = 0;
  listed_ = false;
  items.push_back({cur_->remote, cur_->local, 0, cur_->mode, true});
  dir_ = sftp_opendir(link_.sftp(), cur_->remote.c_str());
  if (!dir_) *err = fmt::format("{}: {}", cur_->remote, link_.last_error());
}

RemoteWalk::Step RemoteWalk::step(std::vector<Item>& items, std::vector<std::string>& skipped,
                                  std::string* err, std::chrono::milliseconds budget) {
  const auto deadline = Clock::now() + budget;
  for (;;) {
    if (!cur_) {
      if (todo_.empty()) return Step::Done;
      enter(items, err);
      if (!dir_) return Step::Failed;
    }
    if (!listed_) {
      while (sftp_attributes a = sftp_readdir(link_.sftp(), dir_)) {
        entries_.push_back({a->name ? a->name : "", {a, sftp_attributes_free}});
        if (Clock::now() >= deadline) return Step::More;
      }
      if (!sftp_dir_eof(dir_))
        return *err = fmt::format("{}: {}", cur_->remote, link_.last_error()), Step::Failed;
      sftp_closedir(dir_);
      dir_ = nullptr;
      listed_ = true;
      std::sort(entries_.begin(), entries_.end(),
                [](const Entry& x, const Entry& y) { return x.name < y.name; });
      std::vector<std::string> names;
      for (const auto& e : entries_) names.push_back(e.name);
      CheckedListing checked = check_listing(names);
      for (const auto& why : checked.refused)
        skipped.push_back(fmt::format("{}: refused the name {}", quote_name(cur_->remote), why));
      std::vector<Entry> kept;
      for (size_t i : checked.accepted) kept.push_back(std::move(entries_[i]));
      entries_ = std::move(kept);
    }
    while (next_ < entries_.size()) {
      visit(entries_[next_++], items, skipped);
      if (Clock::now() >= deadline) return Step::More;
    }
    // Sorted order: the first subdirectory is walked next (depth first, as cp -r).
    for (auto it = subdirs_.rbegin(); it != subdirs_.rend(); ++it) todo_.push_back(*it);
    subdirs_.clear();
    cur_ = nullptr;
    if (Clock::now() >= deadline) return Step::More;
  }
}

void RemoteWalk::visit(Entry& e, std::vector<Item>& items, std::vector<std::string>& skipped) {
  std::string r = join(cur_->remote, e.name), l = join(cur_->local, e.name);
  bool link = e.attrs->type == SSH_FILEXFER_TYPE_SYMLINK;
  if (link) {
    e.attrs.reset(sftp_stat(link_.sftp(), r.c_str()));  // follow, as a copy would
    if (!e.attrs) return;                               // dangling
  }
  const sftp_attributes a = e.attrs.get();
  if (a->type == SSH_FILEXFER_TYPE_REGULAR) {
    items.push_back({r, l, a->size, a->permissions & 07777, false});
    return;
  }
  if (a->type != SSH_FILEXFER_TYPE_DIRECTORY) return;  // devices, sockets: not copied, as before
  int depth = cur_->depth + 1;
  if (depth >= kMaxDepth) {
    skipped.push_back(
        fmt::format("{}: more than {} directory levels, not copied", quote_name(r), kMaxDepth));
    return;
  }
  std::string real = join(cur_->real, e.name);
  if (link) {
    real = real_path(r);
    std::vector<std::string> branch;
    for (const Dir* d = cur_.get(); d; d = d->parent.get()) branch.push_back(d->real);
    if (real.empty()) {
      skipped.push_back(
          fmt::format("{}: cannot resolve the link: {}", quote_name(r), link_.last_error()));
      return;
    }
    if (leads_back(real, branch)) {
      skipped.push_back(fmt::format("{}: a symlink loop (it leads back to {}), not followed",
                                    quote_name(r), quote_name(real)));
      return;
    }
  }
  subdirs_.push_back(
      std::make_shared<const Dir>(Dir{r, l, real, a->permissions & 07777, depth, cur_}));
}

}  // namespace dust::transfer
