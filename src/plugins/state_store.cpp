// StateStore: JSON object per command, read on demand, written atomically.
#include "plugins/state_store.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/paths.h"

namespace dust::plugins {

std::string StateStore::path_for(const std::string& command) {
  return paths::join(paths::join(paths::dust_home(), "state"), command + ".json");
}

nlohmann::json StateStore::all() const {
  if (!paths::exists(path_)) return nlohmann::json::object();
  std::string text = util::read_file(path_);
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    throw Error(fmt::format("{}: not a JSON object (fix or remove the file)", path_));
  return j;
}

nlohmann::json StateStore::get(const std::string& key) const {
  nlohmann::json j = all();
  auto it = j.find(key);
  return it == j.end() ? nlohmann::json() : *it;
}

void StateStore::set(const std::string& key, const nlohmann::json& value) {
  nlohmann::json j = all();
  if (value.is_null())
    j.erase(key);
  else
    j[key] = value;
  std::string dir = path_.substr(0, path_.rfind('/'));
  if (!paths::is_dir(dir)) {
    paths::ensure_dust_home();
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      throw Error(fmt::format("cannot create {}: {}", dir, strerror(errno)));
  }
  util::write_file_atomic(path_, j.dump(2) + "\n", 0600);
}

}  // namespace dust::plugins
