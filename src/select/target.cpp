// The target language (PRODUCT.md §2): parsing into terms, and matching nodes against them.
//
// Grammar (one argument, no spaces):
//   target  := "" | "*" | term ("," term)*
//   term    := ["!"] (pattern | key "=" pattern | "tags=" tagkey ":" pattern | ":" setname)
//   pattern := fnmatch-style glob (* ? \x) plus ClusterShell numeric sets "[0-20]", "[1,3,5-7]",
//              "[01-10]" (padding kept), "[0-10/2]" (step)
// Commas inside [...] or quotes belong to the term. Only-exclusion targets ("!worker3") mean
// "all nodes but". Quotes ("..." or '...') around a whole field (a tag key or value, a value, a
// name) are removed; they protect ':' and ',' but globs inside still apply (escape with \). A
// quoted tag key ends at its closing quote; otherwise tags= splits at the last colon.
#include "select/target.h"

#include <algorithm>
#include <cctype>
#include <cstdint>

#include "util/text.h"

namespace dust::select {
namespace {

// ---- patterns: globs with numeric sets ----

struct RangeElem {
  uint64_t lo = 0, hi = 0, step = 1;
  size_t width = 1;  // zero-padded width; 1 = unpadded
};

struct Tok {
  enum Kind : uint8_t { Lit, Any, Star, Range } kind;
  char c = 0;        // Lit
  size_t range = 0;  // Range: index into Pattern::ranges
};

// Which kind of token consumed the previous character; keeps a numeric set from sharing a run of
// digits with a wildcard ("w*[1-3]" must not match "worker12" by letting * eat the "1").
enum Prev : uint8_t { kPrevLit = 0, kPrevWild = 1, kPrevRange = 2 };

constexpr size_t kMaxDigits = 18;  // fits uint64 comfortably

size_t ndigits(uint64_t v) {
  size_t n = 1;
  while (v >= 10) v /= 10, ++n;
  return n;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

class Pattern {
 public:
  // Compiles text; on error returns false with *err naming the problem.
  bool compile(std::string_view text, bool icase, std::string* err);
  bool matches(std::string_view s) const;
  bool literal_only() const { return literal_only_; }
  const std::string& literal() const { return literal_; }
  bool is_star() const { return toks_.size() == 1 && toks_[0].kind == Tok::Star; }

 private:
  bool match_from(size_t pi, size_t si, Prev prev, std::string_view s,
                  std::vector<uint8_t>* failed) const;
  bool in_set(size_t range, std::string_view digits) const;
  bool eq(char a, char b) const { return icase_ ? lower(a) == lower(b) : a == b; }

  std::vector<Tok> toks_;
  std::vector<std::vector<RangeElem>> ranges_;
  bool icase_ = false;
  bool literal_only_ = true;
  bool has_star_ = false;
  std::string literal_;  // the unescaped text when literal_only_
};

bool parse_number(std::string_view s, uint64_t* v) {
  if (s.empty() || s.size() > kMaxDigits) return false;
  uint64_t r = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    r = r * 10 + static_cast<uint64_t>(c - '0');
  }
  *v = r;
  return true;
}

// One "[...]" body: "1,3,5-7", "01-10", "0-10/2".
bool parse_set(std::string_view body, std::vector<RangeElem>* out, std::string* err) {
  if (body.empty()) {
    *err = "empty range '[]'";
    return false;
  }
  size_t start = 0;
  for (;;) {
    size_t comma = body.find(',', start);
    std::string_view el =
        body.substr(start, comma == std::string_view::npos ? body.npos : comma - start);
    auto bad = [&](const std::string& why) {
      *err = "bad range '[" + std::string(body) + "]': " + why;
      return false;
    };
    if (el.empty()) return bad("empty element (expected e.g. [1,3,5-7])");
    RangeElem r;
    std::string_view span = el;
    size_t slash = el.find('/');
    if (slash != el.npos) {
      span = el.substr(0, slash);
      if (!parse_number(el.substr(slash + 1), &r.step) || r.step == 0)
        return bad("step '" + std::string(el.substr(slash + 1)) + "' is not a positive number");
    }
    size_t dash = span.find('-');
    std::string_view lo = span.substr(0, dash);
    std::string_view hi = dash == span.npos ? lo : span.substr(dash + 1);
    if (!parse_number(lo, &r.lo) || !parse_number(hi, &r.hi))
      return bad("'" + std::string(el) +
                 "' is not a number or number range (expected e.g. [0-4] or [1,3,5-7])");
    if (r.lo > r.hi)
      return bad("'" + std::string(span) + "' goes backwards (write " + std::string(hi) + "-" +
                 std::string(lo) + ")");
    if (slash != el.npos && dash == span.npos) return bad("a step needs a range, e.g. [0-10/2]");
    bool lo_padded = lo.size() > 1 && lo[0] == '0';
    bool hi_padded = hi.size() > 1 && hi[0] == '0';
    if (hi_padded && !lo_padded)
      return bad("inconsistent padding in '" + std::string(span) + "' (write e.g. [01-10])");
    if (lo_padded && hi_padded && lo.size() != hi.size())
      return bad("inconsistent padding in '" + std::string(span) + "'");
    r.width = lo_padded ? lo.size() : 1;
    out->push_back(r);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return true;
}

bool Pattern::compile(std::string_view text, bool icase, std::string* err) {
  icase_ = icase;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      toks_.push_back({Tok::Lit, text[++i], 0});
      literal_ += text[i];
    } else if (c == '*') {
      if (toks_.empty() || toks_.back().kind != Tok::Star) toks_.push_back({Tok::Star, 0, 0});
      literal_only_ = false;
      has_star_ = true;
    } else if (c == '?') {
      toks_.push_back({Tok::Any, 0, 0});
      literal_only_ = false;
    } else if (c == '[') {
      size_t close = text.find(']', i + 1);
      size_t nested = text.find('[', i + 1);
      if (close == text.npos) {
        *err = "unclosed '[' in '" + std::string(text) + "'";
        return false;
      }
      if (nested < close) {
        *err = "nested '[' in '" + std::string(text) + "'";
        return false;
      }
      std::vector<RangeElem> set;
      if (!parse_set(text.substr(i + 1, close - i - 1), &set, err)) return false;
      ranges_.push_back(std::move(set));
      toks_.push_back({Tok::Range, 0, ranges_.size() - 1});
      literal_only_ = false;
      i = close;
    } else if (c == ']') {
      *err = "unmatched ']' in '" + std::string(text) + "'";
      return false;
    } else {
      toks_.push_back({Tok::Lit, c, 0});
      literal_ += c;
    }
  }
  if (icase_) literal_only_ = false;  // keep the exact-compare fast path case-sensitive
  return true;
}

bool Pattern::in_set(size_t range, std::string_view digits) const {
  uint64_t v;
  if (!parse_number(digits, &v)) return false;
  for (const RangeElem& r : ranges_[range]) {
    if (v < r.lo || v > r.hi || (v - r.lo) % r.step != 0) continue;
    if (digits.size() == std::max(r.width, ndigits(v))) return true;  // padding must agree
  }
  return false;
}

bool Pattern::match_from(size_t pi, size_t si, Prev prev, std::string_view s,
                         std::vector<uint8_t>* failed) const {
  size_t key = 0;
  if (failed) {
    key = (pi * (s.size() + 1) + si) * 3 + prev;
    if ((*failed)[key]) return false;
  }
  bool ok = false;
  if (pi == toks_.size()) {
    ok = si == s.size();
  } else {
    const Tok& t = toks_[pi];
    switch (t.kind) {
      case Tok::Lit:
        ok = si < s.size() && eq(s[si], t.c) && match_from(pi + 1, si + 1, kPrevLit, s, failed);
        break;
      case Tok::Any:
        ok = si < s.size() && !(prev == kPrevRange && is_digit(s[si])) &&
             match_from(pi + 1, si + 1, kPrevWild, s, failed);
        break;
      case Tok::Star:
        for (size_t k = 0; si + k <= s.size() && !ok; ++k) {
          if (k == 1 && prev == kPrevRange && is_digit(s[si])) break;
          ok = match_from(pi + 1, si + k, k ? kPrevWild : prev, s, failed);
        }
        break;
      case Tok::Range: {
        if (prev == kPrevWild && si > 0 && is_digit(s[si - 1])) break;
        size_t d = 0;
        while (si + d < s.size() && is_digit(s[si + d])) ++d;
        for (size_t len = 1; len <= std::min(d, kMaxDigits) && !ok; ++len)
          ok = in_set(t.range, s.substr(si, len)) &&
               match_from(pi + 1, si + len, kPrevRange, s, failed);
        break;
      }
    }
  }
  if (failed && !ok) (*failed)[key] = 1;
  return ok;
}

bool Pattern::matches(std::string_view s) const {
  if (literal_only_) return s == literal_;
  if (!has_star_) return match_from(0, 0, kPrevLit, s, nullptr);  // linear without stars
  std::vector<uint8_t> failed((toks_.size() + 1) * (s.size() + 1) * 3, 0);
  return match_from(0, 0, kPrevLit, s, &failed);
}

// ---- properties ----

using Getter = const std::string& (*)(const Node&);

struct Property {
  const char* key;
  const char* canonical;
  Getter get;
};

#define DUST_FIELD(f) [](const Node& n) -> const std::string& { return n.f; }
const Property kProperties[] = {
    {"state", "state", DUST_FIELD(state)},
    {"id", "id", DUST_FIELD(id)},
    {"name", "name", DUST_FIELD(name)},
    {"type", "type", DUST_FIELD(instance_type)},
    {"instance_type", "type", DUST_FIELD(instance_type)},
    {"image", "image", DUST_FIELD(image)},
    {"key", "key", DUST_FIELD(key_name)},
    {"key_name", "key", DUST_FIELD(key_name)},
    {"ip", "ip", DUST_FIELD(public_ip)},
    {"ext_ip", "ip", DUST_FIELD(public_ip)},
    {"public_ip", "ip", DUST_FIELD(public_ip)},
    {"int_ip", "int_ip", DUST_FIELD(private_ip)},
    {"private_ip", "int_ip", DUST_FIELD(private_ip)},
    {"dns", "dns", DUST_FIELD(public_dns)},
    {"public_dns", "dns", DUST_FIELD(public_dns)},
    {"private_dns", "private_dns", DUST_FIELD(private_dns)},
    {"vpc", "vpc", DUST_FIELD(vpc)},
    {"subnet", "subnet", DUST_FIELD(subnet)},
    {"az", "az", DUST_FIELD(az)},
    {"launch_time", "launch_time", DUST_FIELD(launch_time)},
    {"cluster", "cluster", DUST_FIELD(cluster)},
    {"username", "username", DUST_FIELD(username)},
};
#undef DUST_FIELD

std::string ascii_lower(std::string_view s) {
  std::string r(s);
  for (char& c : r) c = lower(c);
  return r;
}

const Property* find_property(std::string_view key) {
  std::string k = ascii_lower(key);
  for (const Property& p : kProperties)
    if (k == p.key) return &p;
  return nullptr;
}

std::string keys_for_error() {
  std::string r;
  for (const Property& p : kProperties) {
    if (std::string_view(p.key) != p.canonical) continue;  // aliases are in property_keys()
    r += p.key;
    r += ", ";
  }
  return r + "tags (aliases: instance_type, key_name, ext_ip, public_ip, private_ip, public_dns)";
}

// ---- lexing helpers ----

bool is_quote(char c) { return c == '"' || c == '\''; }

// Removes quotes around a whole field: "my:key" → my:key.
std::string_view unquote(std::string_view f) {
  if (f.size() >= 2 && is_quote(f.front()) && f.back() == f.front())
    return f.substr(1, f.size() - 2);
  return f;
}

// Walks s as every scanner of the target language must: `\` escapes the next character, quotes hide
// their contents, `[` `]` nest. Calls at(i, depth) for each character outside quotes (depth before
// it;
// `]` at depth 0 leaves it 0) and stops early when at returns false. Returns the quote left open,
// or 0.
template <class At>
char walk_top_level(std::string_view s, At&& at) {
  char quote = 0;
  int depth = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char x = s[i];
    if (x == '\\') {
      ++i;
    } else if (quote) {
      if (x == quote) quote = 0;
    } else if (is_quote(x)) {
      quote = x;
    } else {
      if (!at(i, depth)) return 0;
      if (x == '[')
        ++depth;
      else if (x == ']' && depth)
        --depth;
    }
  }
  return quote;
}

// Positions in s of c outside quotes and brackets.
std::vector<size_t> find_top_level(std::string_view s, char c) {
  std::vector<size_t> at;
  walk_top_level(s, [&](size_t i, int depth) {
    if (s[i] == c && depth == 0) at.push_back(i);
    return true;
  });
  return at;
}

}  // namespace

// ---- terms ----

struct Term {
  enum Kind { Name, Prop, Tag, Set } kind = Name;
  const Property* prop = nullptr;  // Prop
  Pattern key;                     // Tag: key glob, case-insensitive
  Pattern value;                   // Name: the name glob; Prop/Tag: the value glob
  std::string id;   // Name written as dust labels duplicates, web(i-…): that instance
  std::string set;  // Set: its name ("failed")
  std::vector<std::string> ids;  // Set: the instance ids bound to it, sorted

  bool matches(const Node& n) const {
    switch (kind) {
      case Name:
        if (!id.empty()) return n.id == id && value.matches(n.label());
        // A name glob matches the name, or the id of an unnamed node; an exact id always works.
        return value.matches(n.label()) ||
               (value.literal_only() && !n.id.empty() && value.literal() == n.id);
      case Prop:
        return value.matches(prop->get(n));
      case Tag:
        for (const auto& [k, v] : n.tags)
          if (key.matches(k) && value.matches(v)) return true;
        return false;
      case Set:
        return !n.id.empty() && std::binary_search(ids.begin(), ids.end(), n.id);
    }
    return false;
  }
};

namespace {

bool parse_tag(std::string_view term, std::string_view body, Term* t, std::string* err) {
  std::string_view k, v;
  if (!body.empty() && is_quote(body[0])) {
    // A quoted key ends at its closing quote: tags="a:b":c:d is key a:b, value c:d.
    size_t close = body.find(body[0], 1);
    if (close == body.npos || close + 1 >= body.size() || body[close + 1] != ':') {
      *err = "expected ':' after the quoted tag key in '" + std::string(term) +
             "' (e.g. tags=\"my:key\":value)";
      return false;
    }
    k = body.substr(1, close - 1);
    v = unquote(body.substr(close + 2));
  } else {
    std::vector<size_t> colons = find_top_level(body, ':');
    if (colons.empty()) {
      *err = "'" + std::string(term) +
             "' needs key:value, e.g. tags=env:dev (use tags=env:* for any value)";
      return false;
    }
    k = body.substr(0, colons.back());
    v = unquote(body.substr(colons.back() + 1));
  }
  if (k.empty()) {
    *err = "empty tag key in '" + std::string(term) + "' (expected tags=key:value)";
    return false;
  }
  t->kind = Term::Tag;
  return t->key.compile(k, /*icase=*/true, err) && t->value.compile(v, false, err);
}

// A name shared by several nodes is printed as "web(i-0abc…)"; typed back, it names that instance.
// Splits such a word into the name and the id; anything else is left alone.
void split_label_id(std::string_view* name, std::string* id) {
  std::string_view s = *name;
  size_t open = s.rfind("(i-");
  if (open == s.npos || open == 0 || s.back() != ')' || s.size() - open < 5) return;
  std::string_view inside = s.substr(open + 1, s.size() - open - 2);
  bool ok = std::all_of(inside.begin() + 2, inside.end(),
                        [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  if (!ok) return;
  *id = std::string(inside);
  *name = s.substr(0, open);
}

bool parse_term(std::string_view term, Term* t, std::string* err) {
  if (term[0] == ':') {
    // A named set (":failed"): node names never start with ':', so nothing else is taken from them.
    std::string name(term.substr(1));
    const auto& known = set_names();
    if (std::find(known.begin(), known.end(), ":" + name) == known.end()) {
      *err = "unknown set '" + std::string(term) + "' (known: :failed, :ok)";
      return false;
    }
    t->kind = Term::Set;
    t->set = name;
    return true;
  }
  std::vector<size_t> eqs = find_top_level(term, '=');
  if (eqs.empty()) {
    t->kind = Term::Name;
    std::string_view name = unquote(term);
    split_label_id(&name, &t->id);
    return t->value.compile(name, false, err);
  }
  std::string_view key = term.substr(0, eqs[0]);
  std::string_view body = term.substr(eqs[0] + 1);
  if (key.empty()) {
    *err = "missing key before '=' in '" + std::string(term) +
           "' (expected key=value, e.g. state=running)";
    return false;
  }
  std::string lkey = ascii_lower(key);
  if (lkey == "tags" || lkey == "tag") return parse_tag(term, body, t, err);
  if (eqs.size() > 1) {
    *err =
        "more than one '=' in '" + std::string(term) + "' (expected key=value, e.g. state=running)";
    return false;
  }
  t->prop = find_property(key);
  if (!t->prop) {
    *err = "unknown key '" + std::string(key) + "' in '" + std::string(term) +
           "'; keys: " + keys_for_error();
    return false;
  }
  t->kind = Term::Prop;
  return t->value.compile(unquote(body), false, err);
}

// Checks brackets and quotes balance over the whole text, so errors name the real problem.
bool check_balance(std::string_view s, std::string* err) {
  int open = 0;  // depth after the whole text
  std::string bad;
  char quote = walk_top_level(s, [&](size_t i, int depth) {
    if (s[i] == '[' && depth)
      bad = "nested '['";
    else if (s[i] == ']' && !depth)
      bad = "unmatched ']'";
    open = depth + (s[i] == '[') - (s[i] == ']' && depth);
    return bad.empty();
  });
  if (bad.empty() && quote) bad = std::string("unclosed quote ") + quote;
  if (bad.empty() && open) bad = "unclosed '['";
  if (bad.empty()) return true;
  *err = bad + " in '" + std::string(s) + "'";
  return false;
}

using util::trim;

}  // namespace

Target::Target() = default;
Target::~Target() = default;
Target::Target(Target&&) noexcept = default;
Target& Target::operator=(Target&&) noexcept = default;

bool Target::all() const { return all_; }

bool Target::is_plain_name() const {
  return include_.size() == 1 && exclude_.empty() && include_[0]->kind == Term::Name &&
         include_[0]->value.literal_only();
}

std::vector<std::pair<std::string, bool>> Target::sets() const {
  std::vector<std::pair<std::string, bool>> out;
  auto add = [&](const Term& t, bool included) {
    if (t.kind != Term::Set) return;
    for (auto& [name, inc] : out)
      if (name == t.set) {
        inc = inc || included;
        return;
      }
    out.emplace_back(t.set, included);
  };
  for (const auto& t : include_) add(*t, true);
  for (const auto& t : exclude_) add(*t, false);
  return out;
}

void Target::bind(const std::string& name, std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  for (auto* terms : {&include_, &exclude_})
    for (auto& t : *terms)
      if (t->kind == Term::Set && t->set == name) t->ids = ids;
}

bool Target::matches(const Node& n) const {
  if (all_) return true;
  if (!include_.empty() &&
      std::none_of(include_.begin(), include_.end(), [&](const auto& t) { return t->matches(n); }))
    return false;
  return std::none_of(exclude_.begin(), exclude_.end(),
                      [&](const auto& t) { return t->matches(n); });
}

bool parse(std::string_view text, Target* out, std::string* err) {
  Target t;
  text = trim(text);
  t.text_ = std::string(text);
  if (text.empty() || text == "*") {
    *out = std::move(t);
    return true;
  }
  if (!check_balance(text, err)) return false;
  std::vector<size_t> commas = find_top_level(text, ',');
  commas.push_back(text.size());
  size_t start = 0;
  for (size_t end : commas) {
    std::string_view term = text.substr(start, end - start);
    start = end + 1;
    bool exclude = !term.empty() && term[0] == '!';
    if (exclude) term.remove_prefix(1);
    if (term.empty()) {
      *err = exclude ? "'!' needs a term after it, e.g. !worker3"
                     : "empty term in '" + std::string(text) + "' (stray comma?)";
      return false;
    }
    auto parsed = std::make_unique<Term>();
    if (!parse_term(term, parsed.get(), err)) return false;
    (exclude ? t.exclude_ : t.include_).push_back(std::move(parsed));
  }
  t.all_ = t.exclude_.empty() &&
           std::any_of(t.include_.begin(), t.include_.end(),
                       [](const auto& p) { return p->kind == Term::Name && p->value.is_star(); });
  *out = std::move(t);
  return true;
}

std::vector<size_t> select(const Target& t, const Nodes& nodes) {
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (t.matches(nodes[i])) out.push_back(i);
  return out;
}

const std::vector<std::string>& property_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (const Property& p : kProperties) k.push_back(p.key);
    k.push_back("tags");
    return k;
  }();
  return keys;
}

const std::vector<std::string>& set_names() {
  static const std::vector<std::string> names = {":failed", ":ok"};
  return names;
}

bool property(const Node& n, std::string_view key, std::string* value) {
  const Property* p = find_property(key);
  if (!p) return false;
  *value = p->get(n);
  return true;
}

}  // namespace dust::select
