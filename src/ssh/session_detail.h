// Constants shared by the files that define Session (session*.cpp); not for other code.
#pragma once

namespace dust::ssh::detail {

constexpr int kLineCols = 250, kLineRows = 50;  // wide, so that line mode rarely wraps or truncates

}  // namespace dust::ssh::detail
