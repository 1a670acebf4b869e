// bind_result_sets (see result_sets.h).
#include "shell/result_sets.h"

#include <fmt/format.h>

#include "util/error.h"

namespace dust::shell {

void bind_result_sets(select::Target& t, const std::vector<Outcome>* last) {
  for (const auto& [name, included] : t.sets()) {
    bool want_ok = name == "ok";
    std::vector<std::string> ids;
    if (last)
      for (const Outcome& o : *last)
        if (o.ok == want_ok) ids.push_back(o.key);
    if (included && ids.empty()) {
      if (!last)
        throw Error(fmt::format(
            "':{}' names the nodes of the last @, @@, put or get, and none has run yet in this "
            "dust process",
            name));
      throw Error(want_ok ? "no node succeeded in the last command"
                          : "no node failed in the last command");
    }
    t.bind(name, std::move(ids));
  }
}

}  // namespace dust::shell
