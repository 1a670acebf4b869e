// Log implementation: timestamps like the original (`dust:2016-03-30 13:52:01,121 | ok`).
#include "util/log.h"

#include <sys/time.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace dust::log {
namespace {
Level g_level = Level::Info;
std::function<void(const std::string&)> g_writer;

std::string stamp() {
  timeval tv{};
  gettimeofday(&tv, nullptr);
  tm t{};
  localtime_r(&tv.tv_sec, &t);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &t);
  return fmt::format("{},{:03d}", buf, static_cast<int>(tv.tv_usec / 1000));
}
}  // namespace

void set_level(Level l) { g_level = l; }
Level level() { return g_level; }

bool parse_level(const std::string& s, Level* out) {
  if (s == "info")
    *out = Level::Info;
  else if (s == "debug")
    *out = Level::Debug;
  else if (s == "warn" || s == "warning")
    *out = Level::Warn;
  else if (s == "error")
    *out = Level::Error;
  else
    return false;
  return true;
}

void set_writer(std::function<void(const std::string&)> w) { g_writer = std::move(w); }

namespace {
thread_local std::vector<std::string>* t_capture = nullptr;
}  // namespace

Capture::Capture(std::vector<std::string>* into) : previous_(t_capture) { t_capture = into; }
Capture::~Capture() { t_capture = previous_; }

void replay(const std::vector<std::string>& lines) {
  for (const auto& line : lines) {
    if (g_writer) {
      g_writer(line);
    } else {
      fputs(line.c_str(), stderr);
      fflush(stderr);
    }
  }
}

void write(Level l, const std::string& msg) {
  const char* tag = l == Level::Error ? "error: " : l == Level::Warn ? "warning: " : "";
  std::string line = fmt::format("dust:{} | {}{}\n", stamp(), tag, msg);
  if (t_capture) {
    t_capture->push_back(std::move(line));
  } else if (g_writer) {
    g_writer(line);
  } else {
    fputs(line.c_str(), stderr);
    fflush(stderr);
  }
}

}  // namespace dust::log
