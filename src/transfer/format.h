// Human-readable sizes, rates and the per-node result line of put/get. Pure.
#pragma once
#include <cstdint>
#include <string>

namespace dust::transfer {

std::string human_bytes(uint64_t n);  // "512 B", "1.5 KB", "100.0 MB" (decimal units)
std::string human_rate(uint64_t bytes, double secs);  // "210 MB/s"
// "put data.dat → /opt/data/data.dat (100.0 MB, 210 MB/s)" (the caller prefixes the node)
std::string result_line(const std::string& verb, const std::string& what, uint64_t bytes,
                        double secs);
bool has_glob(const std::string& s);  // any of * ? [

}  // namespace dust::transfer
