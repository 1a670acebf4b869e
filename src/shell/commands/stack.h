// Shared by load, status and cluster delete: where saved templates live, how a stack event and a
// stack status read, and which statuses end a wait.
#pragma once
#include <fmt/format.h>

#include <string>
#include <string_view>

#include "cloud/cloudformation.h"
#include "util/paths.h"

namespace dust::shell::stack {

inline std::string templates_dir() { return paths::join(paths::dust_home(), "templates"); }
// `load` keeps the template it sent, so the stack can be recreated or compared later.
inline std::string template_path(const std::string& name) {
  return paths::join(templates_dir(), name + ".json");
}

// The seed's line: `StackEvent <ResourceType> <LogicalId> <Status> [reason]`.
inline std::string event_line(const cloud::StackEvent& e) {
  return e.reason.empty()
             ? fmt::format("StackEvent {} {} {}\n", e.resource_type, e.logical_id, e.status)
             : fmt::format("StackEvent {} {} {} {}\n", e.resource_type, e.logical_id, e.status,
                           e.reason);
}

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// *_COMPLETE and *_FAILED are final (CREATE_COMPLETE, ROLLBACK_COMPLETE, DELETE_FAILED, ...);
// *_IN_PROGRESS (including UPDATE_COMPLETE_CLEANUP_IN_PROGRESS) is not.
inline bool is_final(std::string_view status) {
  return ends_with(status, "_COMPLETE") || ends_with(status, "_FAILED");
}

// A stack that did not end up as asked: failed, or rolled back (ROLLBACK_COMPLETE is "complete"
// but means the creation failed).
inline bool is_failure(std::string_view status) {
  return status.find("FAILED") != std::string_view::npos ||
         status.find("ROLLBACK") != std::string_view::npos;
}

}  // namespace dust::shell::stack
