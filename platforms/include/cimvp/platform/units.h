// Strict text → value parsers shared by the configuration layer and the CLI.
//
// Every parser accepts the whole string (surrounding blanks ignored) or returns
// std::nullopt: no partial parses, no locale, no silent wrap-around.
#pragma once

#include <vector>

#include <utility>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cimvp {

/// Unsigned integer: decimal ("4096"), hex ("0x1000"), binary ("0b101"); '_' may
/// separate digits ("0x1000_0000", "1_000").  With `allow_size_suffix`, a binary size
/// suffix multiplies the value: "64 MiB", "4KiB" (KiB, MiB, GiB, TiB).
std::optional<std::uint64_t> parse_uint(std::string_view text, bool allow_size_suffix = false);

/// Signed integer: optional sign, then the same digit forms as parse_uint (no suffix).
std::optional<std::int64_t> parse_int(std::string_view text);

/// Finite decimal floating-point number ("50", "2.5", "1e-3"); no hex, inf or nan.
std::optional<double> parse_number(std::string_view text);

/// Time in nanoseconds: a number with an optional unit fs, ps, ns, us, ms or s
/// ("1us", "500 ns", "2ms", "0.5 us"); a bare number is nanoseconds.
std::optional<double> parse_time_ns(std::string_view text);

/// true/false, yes/no, on/off (any case).
std::optional<bool> parse_bool(std::string_view text);

/// Shortest readable form of a time given in ns: "1 us", "50 ns", "2.5 ns", "0 ns".
std::string format_time_ns(double ns);

/// Shortest decimal text that reads back as the same double ("50", "2.5", "1e-06").
std::string format_number(double v);

/// Simulation time limits every time value is checked against (docs/configuration.md):
/// the SystemC resolution (1 ps) and the largest accepted time, 1e6 s (sc_time counts
/// 64-bit picoseconds, about 1.8e7 s, so sums of limits keep a margin).
inline constexpr double time_resolution_ns = 1e-3;
inline constexpr double max_time_ns = 1e15;

/// Why a time of `ns` nanoseconds cannot be simulated ("" when it can): not finite,
/// nonzero but below the 1 ps resolution, or above max_time_ns.
std::string time_problem(double ns);

/// A half-open range of indices "A:B" (images, sweep points) written in decimal digits only
/// (at most 18 each, no sign, no hex). Returns an empty string and sets `first`/`last` when
/// the text is such a range with A < B, else what is wrong ("not two decimal indices ...",
/// "the first index must be below the second ...").
std::string parse_index_range(std::string_view text, std::uint64_t& first, std::uint64_t& last);

/// Names longer than this get no "did you mean" search: edit_distance() returns npos.
inline constexpr std::size_t max_hint_length = 256;

/// Optimal-string-alignment edit distance (insert, delete, substitute, swap adjacent);
/// std::string::npos ("far") when either string is longer than max_hint_length.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// `text` as echoed in a message: unchanged up to max_hint_length bytes, else its first
/// 64 bytes, "..." and its length ("abc... (1048576 bytes)").
std::string shown(std::string_view text);

/// Offset of the first byte of `text` that is not valid UTF-8, or npos when it all is.
std::size_t invalid_utf8_at(std::string_view text);

/// The candidate closest to `name` by edit_distance (first one on ties) and its distance;
/// {"", npos} when there are no candidates.  Callers apply their own "close enough" limit.
std::pair<std::string, std::size_t> nearest(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace cimvp
