// What the exec-channel pumps (stream.h, fetch.h) share: how a step ended, and how much one call
// may move so that every node gets its turn on the shared loop.
#pragma once
#include <cstddef>

namespace dust::transfer {

enum class Step { Pending, Done, Failed };

constexpr size_t kPumpBudget = 4u << 20;  // bytes per pump call, so every node gets its turn

}  // namespace dust::transfer
