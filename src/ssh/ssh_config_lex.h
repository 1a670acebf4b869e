// How OpenSSH cuts a config line into words (misc.c strdelim, argv_split), its patterns
// (match.c: only `*` and `?`, no `[..]` classes) and its %-token and ~ expansion: the pieces of
// the ssh_config resolver that have no notion of hosts.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dust::ssh::cfg {

inline constexpr const char* kWhitespace = " \t\r\n";

// strdelim: the next word of `s` from `pos` (splitting on whitespace or one '=', a double-quoted
// word kept whole); nullopt when there is none or a quote is not closed (`bad_quote` set).
std::optional<std::string> strdelim(const std::string& s, size_t& pos, bool* bad_quote = nullptr,
                                    bool split_equals = true);

// argv_split with comments: words separated by spaces/tabs, "..." and '...' quoting, \\ \" \'
// and (unquoted) "\ " escapes; a word starting with '#' ends the line. False on an open quote.
bool argv_split(const std::string& s, std::vector<std::string>& out);

// match_pattern: `*` any run, `?` one character, everything else literal.
bool match_pattern(const char* s, const char* pattern);
// match_pattern_list: comma-separated, `!` negates; 1 match, 0 none, -1 negated match.
int match_pattern_list(const std::string& s, const std::string& list, bool lower);
// match_hostname: `host` lower-cased against a lower-cased pattern list.
bool match_hostname(const std::string& host, const std::string& list);

std::string lower(std::string s);

// percent_expand / percent_dollar_expand: %x from `tokens` (%% is %), ${VAR} from `getenv` when
// given. nullopt + `error` on an unknown token, a trailing %, or an unset variable.
std::optional<std::string> percent_expand(
    const std::string& s, const std::map<char, std::string>& tokens, std::string* error,
    const std::function<std::optional<std::string>(const std::string&)>* getenv = nullptr);

}  // namespace dust::ssh::cfg
