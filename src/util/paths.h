// Where things live: `~` is $HOME (else the passwd entry); $DUST_HOME defaults to ~/.dustcluster.
#pragma once
#include <string>

namespace dust::paths {

std::string home();                             // $HOME, else passwd entry
std::string expand_user(const std::string& p);  // leading "~/" or "~" → home()
// expand_user, then relative to the working directory, no trailing '/' ("" when that is unknown).
std::string absolute(const std::string& p);
std::string canonical(const std::string& p);  // realpath(3) of absolute(p); absolute(p) if none
std::string dust_home();                      // $DUST_HOME or ~/.dustcluster (not created)
std::string ensure_dust_home();               // creates it (0700) and returns it
std::string join(const std::string& a, const std::string& b);
bool exists(const std::string& p);
bool is_dir(const std::string& p);

}  // namespace dust::paths
