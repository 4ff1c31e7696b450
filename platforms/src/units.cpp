#include "cimvp/platform/units.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <vector>

namespace cimvp {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 99;
}

/// Parses the digits of `s` (with radix prefix, '_' separators) completely.
std::optional<std::uint64_t> parse_digits(std::string_view s) {
  unsigned base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  } else if (s.size() > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
    base = 2;
    s.remove_prefix(2);
  }
  if (s.empty() || s.front() == '_' || s.back() == '_') return std::nullopt;
  std::uint64_t v = 0;
  char prev = 0;
  for (char c : s) {
    if (c == '_') {
      if (prev == '_') return std::nullopt;
      prev = c;
      continue;
    }
    prev = c;
    const auto d = static_cast<unsigned>(digit_value(c));
    if (d >= base) return std::nullopt;
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / base) return std::nullopt;
    v = v * base + d;
  }
  return v;
}

}  // namespace

std::optional<std::uint64_t> parse_uint(std::string_view text, bool allow_size_suffix) {
  std::string_view s = trim(text);
  std::uint64_t scale = 1;
  if (allow_size_suffix) {
    static constexpr std::pair<const char*, unsigned> suffixes[] = {
        {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}};
    for (const auto& [suffix, shift] : suffixes) {
      const std::string_view sv(suffix);
      if (s.size() > sv.size() && s.substr(s.size() - sv.size()) == sv) {
        s = trim(s.substr(0, s.size() - sv.size()));
        scale = std::uint64_t{1} << shift;
        break;
      }
    }
  }
  const auto v = parse_digits(s);
  if (!v) return std::nullopt;
  if (*v > std::numeric_limits<std::uint64_t>::max() / scale) return std::nullopt;
  return *v * scale;
}

std::optional<std::int64_t> parse_int(std::string_view text) {
  std::string_view s = trim(text);
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  const auto v = parse_digits(s);
  if (!v) return std::nullopt;
  constexpr auto max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (negative) {
    if (*v > max + 1) return std::nullopt;
    return *v == max + 1 ? std::numeric_limits<std::int64_t>::min()
                         : -static_cast<std::int64_t>(*v);
  }
  if (*v > max) return std::nullopt;
  return static_cast<std::int64_t>(*v);
}

namespace {
/// Parses a leading decimal number of `s`; returns the value and the rest.
std::optional<std::pair<double, std::string_view>> leading_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  const char c0 = s.front();
  if (!(std::isdigit(static_cast<unsigned char>(c0)) || c0 == '.' || c0 == '-' || c0 == '+'))
    return std::nullopt;
  const std::string buf(s);
  char* end = nullptr;
  const double v = std::strtod(buf.c_str(), &end);
  const std::size_t used = static_cast<std::size_t>(end - buf.c_str());
  if (used == 0 || !std::isfinite(v)) return std::nullopt;
  const std::string_view number = s.substr(0, used);
  // strtod also accepts hex floats, "inf" and "nan": only plain decimal digits allowed.
  for (char c : number)
    if (!(std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' ||
          c == 'e' || c == 'E'))
      return std::nullopt;
  return std::make_pair(v, s.substr(used));
}
}  // namespace

std::optional<double> parse_number(std::string_view text) {
  const auto r = leading_number(trim(text));
  if (!r || !r->second.empty()) return std::nullopt;
  return r->first;
}

std::optional<double> parse_time_ns(std::string_view text) {
  const auto r = leading_number(trim(text));
  if (!r) return std::nullopt;
  const std::string_view unit = trim(r->second);
  static constexpr std::pair<const char*, double> units[] = {
      {"", 1.0}, {"fs", 1e-6}, {"ps", 1e-3}, {"ns", 1.0}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}};
  for (const auto& [name, scale] : units)
    if (unit == name) return r->first * scale;
  return std::nullopt;
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string s(trim(text));
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  return std::nullopt;
}

std::string format_number(double v) {
  char buf[64];
  int precision = 1;
  for (; precision < 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  // %g switches to exponent form when precision < exponent + 1 ("5e+01"): widen to
  // plain digits for magnitudes people write out (1e-4 .. 1e16).
  const double a = std::fabs(v);
  if (a >= 1.0 && a < 1e16) {
    const int digits = static_cast<int>(std::floor(std::log10(a))) + 1;
    precision = std::max(precision, digits);
  }
  std::snprintf(buf, sizeof buf, "%.*g", precision, v);
  return buf;
}

std::string format_time_ns(double ns) {
  const double a = std::fabs(ns);
  if (a == 0.0) return "0 ns";
  static constexpr std::pair<const char*, double> units[] = {
      {"s", 1e9}, {"ms", 1e6}, {"us", 1e3}, {"ns", 1.0}, {"ps", 1e-3}, {"fs", 1e-6}};
  for (const auto& [name, scale] : units)
    if (a >= scale) return format_number(ns / scale) + " " + name;
  return format_number(ns / 1e-6) + " fs";
}

std::string time_problem(double ns) {
  if (std::isnan(ns)) return "not a finite time";
  if (ns != 0.0 && std::fabs(ns) < time_resolution_ns)
    return "below the simulation resolution of 1 ps (use 0 or at least 1 ps)";
  if (std::fabs(ns) > max_time_ns) return "above the largest accepted time, 1e6 s";  // also inf (1e300 s)
  return {};
}

std::string parse_index_range(std::string_view text, std::uint64_t& first, std::uint64_t& last) {
  const auto colon = text.find(':');
  const auto decimal = [](std::string_view t) {
    return !t.empty() && t.size() <= 18 && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (colon == std::string_view::npos || !decimal(text.substr(0, colon)) || !decimal(text.substr(colon + 1)))
    return "not two decimal indices of at most 18 digits each";
  const auto value = [](std::string_view t) {
    std::uint64_t v = 0;
    for (char c : t) v = v * 10 + static_cast<std::uint64_t>(c - '0');
    return v;
  };
  const std::uint64_t a = value(text.substr(0, colon)), b = value(text.substr(colon + 1));
  if (a >= b) return "the first index must be below the second (the range stops before the second)";
  first = a;
  last = b;
  return {};
}

std::string shown(std::string_view text) {
  if (text.size() <= max_hint_length) return std::string(text);
  return std::string(text.substr(0, 64)) + "... (" + std::to_string(text.size()) + " bytes)";
}

std::size_t invalid_utf8_at(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const std::size_t n = s.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned c = p[i];
    std::size_t len = 0;
    std::uint32_t cp = 0, min = 0;
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) { len = 2; cp = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { len = 3; cp = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { len = 4; cp = c & 0x07; min = 0x10000; }
    else return i;
    if (i + len > n) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += len;
  }
  return std::string_view::npos;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  if (a.size() > max_hint_length || b.size() > max_hint_length) return std::string::npos;
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::size_t> d((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = i;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = j;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t v = std::min({at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        v = std::min(v, at(i - 2, j - 2) + 1);
      at(i, j) = v;
    }
  return at(n, m);
}

std::pair<std::string, std::size_t> nearest(std::string_view name, const std::vector<std::string>& candidates) {
  std::pair<std::string, std::size_t> best{std::string(), std::string::npos};
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best.second) best = {c, d};
  }
  return best;
}

}  // namespace cimvp
