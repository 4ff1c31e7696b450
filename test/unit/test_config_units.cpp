// Text → value parsers of the configuration layer (platforms/include/cimvp/platform/units.h).
#include <catch2/catch.hpp>

#include "cimvp/platform/units.h"
#include "cimvp/platform/yaml_load.h"

#include <limits>
#include <string>

using namespace cimvp;

TEST_CASE("parse_uint accepts decimal, hex, binary and '_' separators", "[config][units]") {
  CHECK(parse_uint("0") == 0u);
  CHECK(parse_uint("4096") == 4096u);
  CHECK(parse_uint("  42 ") == 42u);
  CHECK(parse_uint("0x1000") == 0x1000u);
  CHECK(parse_uint("0X4000_0000") == 0x40000000u);
  CHECK(parse_uint("0x5000_0000") == 1342177280u);
  CHECK(parse_uint("1_000_000") == 1000000u);
  CHECK(parse_uint("0b1011") == 11u);
  CHECK(parse_uint("0xffffffffffffffff") == 18446744073709551615ull);
  CHECK(parse_uint("18446744073709551615") == 18446744073709551615ull);
}

TEST_CASE("parse_uint rejects junk, signs, overflow and stray separators", "[config][units]") {
  for (const char* bad : {"", " ", "-1", "+1", "1.5", "0x", "0xg", "12a", "_1", "1_", "1__0", "0b102",
                          "18446744073709551616", "0x1_0000_0000_0000_0000", "64 MiB", "fast"})
    CHECK_FALSE(parse_uint(bad).has_value());
}

TEST_CASE("parse_uint size suffixes are binary multiples and only when allowed", "[config][units]") {
  CHECK(parse_uint("64 MiB", true) == 64ull * 1024 * 1024);
  CHECK(parse_uint("4KiB", true) == 4096u);
  CHECK(parse_uint("1 GiB", true) == 1073741824ull);
  CHECK(parse_uint("2TiB", true) == 2199023255552ull);
  CHECK(parse_uint("0x10 KiB", true) == 16384u);
  CHECK(parse_uint("512", true) == 512u);
  CHECK_FALSE(parse_uint("4 kib", true).has_value());
  CHECK_FALSE(parse_uint("MiB", true).has_value());
  CHECK_FALSE(parse_uint("16777216 TiB", true).has_value());  // 2^24 * 2^40 = 2^64 overflows
}

TEST_CASE("parse_int handles signs and the int64 limits", "[config][units]") {
  CHECK(parse_int("-5") == -5);
  CHECK(parse_int("+7") == 7);
  CHECK(parse_int("-0x10") == -16);
  CHECK(parse_int("9223372036854775807") == INT64_MAX);
  CHECK(parse_int("-9223372036854775808") == INT64_MIN);
  CHECK_FALSE(parse_int("9223372036854775808").has_value());
  CHECK_FALSE(parse_int("-9223372036854775809").has_value());
  CHECK_FALSE(parse_int("--1").has_value());
  CHECK_FALSE(parse_int("-").has_value());
}

TEST_CASE("parse_number is strict decimal", "[config][units]") {
  CHECK(parse_number("50") == 50.0);
  CHECK(parse_number(" 2.5 ") == 2.5);
  CHECK(parse_number("-1e-3") == -0.001);
  CHECK(parse_number(".5") == 0.5);
  for (const char* bad : {"", "fast", "1.5x", "0x10", "inf", "nan", "-inf", "1e999", "1 2", "1,5"})
    CHECK_FALSE(parse_number(bad).has_value());
}

TEST_CASE("parse_time_ns accepts every unit and bare numbers as ns", "[config][units]") {
  CHECK(parse_time_ns("1us") == 1000.0);
  CHECK(parse_time_ns("500 ns") == 500.0);
  CHECK(parse_time_ns("2ms") == 2e6);
  CHECK(parse_time_ns("0.5 us") == 500.0);
  CHECK(parse_time_ns("1 s") == 1e9);
  CHECK(parse_time_ns("250ps") == 0.25);
  CHECK(parse_time_ns("1000 fs") == Approx(0.001));
  CHECK(parse_time_ns("10") == 10.0);
  CHECK(parse_time_ns("1e3ns") == 1000.0);
  for (const char* bad : {"", "fast", "1 min", "us", "1 us us", "1uss", "0x10ns", "1 NS"})
    CHECK_FALSE(parse_time_ns(bad).has_value());
}

TEST_CASE("parse_bool accepts true/false, yes/no, on/off in any case", "[config][units]") {
  CHECK(parse_bool("true") == true);
  CHECK(parse_bool("Yes") == true);
  CHECK(parse_bool("ON") == true);
  CHECK(parse_bool("false") == false);
  CHECK(parse_bool("no") == false);
  CHECK(parse_bool(" off ") == false);
  CHECK_FALSE(parse_bool("1").has_value());
  CHECK_FALSE(parse_bool("maybe").has_value());
}

TEST_CASE("format_time_ns and format_number give the shortest exact text", "[config][units]") {
  CHECK(format_time_ns(1000.0) == "1 us");
  CHECK(format_time_ns(50.0) == "50 ns");
  CHECK(format_time_ns(2.5) == "2.5 ns");
  CHECK(format_time_ns(0.0) == "0 ns");
  CHECK(format_time_ns(1.5e6) == "1.5 ms");
  CHECK(format_time_ns(0.25) == "250 ps");
  CHECK(format_number(0.1) == "0.1");
  CHECK(format_number(16.0) == "16");
  CHECK(format_number(1.0 / 3.0) == "0.3333333333333333");
}

TEST_CASE("edit_distance counts insertions, deletions, substitutions and swaps", "[config][units]") {
  CHECK(edit_distance("memory", "memory") == 0);
  CHECK(edit_distance("memroy", "memory") == 1);  // one adjacent swap
  CHECK(edit_distance("memor", "memory") == 1);
  CHECK(edit_distance("memoryy", "memory") == 1);
  CHECK(edit_distance("nemory", "memory") == 1);
  CHECK(edit_distance("", "dma") == 3);
  CHECK(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("time_problem: finite, 0 or >= 1 ps, <= 1e6 s", "[config][units]") {
  CHECK(cimvp::time_problem(0.0).empty());
  CHECK(cimvp::time_problem(1e-3).empty());    // 1 ps
  CHECK(cimvp::time_problem(1e15).empty());    // 1e6 s
  CHECK(cimvp::time_problem(9.99e-4).find("1 ps") != std::string::npos);
  CHECK(cimvp::time_problem(1e-6).find("resolution") != std::string::npos);  // 1 fs
  CHECK(cimvp::time_problem(1.0001e15).find("1e6 s") != std::string::npos);
  CHECK(cimvp::time_problem(1e300).find("1e6 s") != std::string::npos);
  CHECK_FALSE(cimvp::time_problem(std::numeric_limits<double>::infinity()).empty());
  CHECK_FALSE(cimvp::time_problem(std::numeric_limits<double>::quiet_NaN()).empty());
}

TEST_CASE("invalid_utf8_at finds the first bad byte", "[config][units]") {
  using cimvp::invalid_utf8_at;
  constexpr auto ok = std::string_view::npos;
  CHECK(invalid_utf8_at("") == ok);
  CHECK(invalid_utf8_at("plain ascii") == ok);
  CHECK(invalid_utf8_at("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80") == ok);
  CHECK(invalid_utf8_at("ab\xFF") == 2);
  CHECK(invalid_utf8_at("x\xC0\xAF") == 1);              // overlong '/'
  CHECK(invalid_utf8_at("x\xE0\x80\xAF") == 1);          // overlong
  CHECK(invalid_utf8_at("\xED\xA0\x80") == 0);           // surrogate
  CHECK(invalid_utf8_at("\xF4\x90\x80\x80") == 0);       // above U+10FFFF
  CHECK(invalid_utf8_at("ok\xC3") == 2);                 // truncated
  CHECK(invalid_utf8_at("ok\xE2\x9C") == 2);
  CHECK(invalid_utf8_at("\x80") == 0);                   // lone continuation
}

TEST_CASE("edit_distance and nearest skip names longer than the hint limit", "[config][units]") {
  const std::string huge(cimvp::max_hint_length + 1, 'k');
  CHECK(cimvp::edit_distance(huge, "kk") == std::string::npos);
  CHECK(cimvp::edit_distance("kk", huge) == std::string::npos);
  CHECK(cimvp::edit_distance(std::string(cimvp::max_hint_length, 'k'), "k") == cimvp::max_hint_length - 1);
  CHECK(cimvp::nearest(huge, {"memory", "dma"}).first.empty());
  CHECK(cimvp::shown("short") == "short");
  const std::string s = cimvp::shown(std::string(1000000, 'x'));
  CHECK(s.size() < 100);
  CHECK(s.find("... (1000000 bytes)") != std::string::npos);
}

TEST_CASE("check_yaml_nesting: deep flow and block nesting rejected, ordinary YAML accepted", "[config][yaml]") {
  using cimvp::check_yaml_nesting;
  CHECK_NOTHROW(check_yaml_nesting("", "t.yaml"));
  CHECK_NOTHROW(check_yaml_nesting("a:\n  b: [1, {c: 2}]\n  d: \"[[[[[\" # [[[[ \n  e: '{{{'\n", "t.yaml"));
  CHECK_NOTHROW(check_yaml_nesting("text: |\n  [[[[[[[[[[\n      - - - -\nnext: 1\n", "t.yaml"));
  CHECK_NOTHROW(check_yaml_nesting(std::string(99, '[') + std::string(99, ']'), "t.yaml"));
  CHECK_THROWS_WITH(check_yaml_nesting("a: " + std::string(200, '['), "t.yaml"),
                    Catch::Contains("t.yaml:1:") && Catch::Contains("nested deeper than 100 levels"));
  std::string block;
  for (int i = 0; i < 150; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  CHECK_THROWS_WITH(check_yaml_nesting(block, "b.yaml"), Catch::Contains("b.yaml:101:"));
  std::string dashes = "x:\n  ";
  for (int i = 0; i < 150; ++i) dashes += "- ";
  CHECK_THROWS_WITH(check_yaml_nesting(dashes + "1\n", "d.yaml"), Catch::Contains("d.yaml:2:"));
}

TEST_CASE("check_yaml_encoding: UTF-16/UTF-32 marks and NUL bytes refused, UTF-8 accepted", "[config][yaml]") {
  using cimvp::check_yaml_encoding;
  using namespace std::string_literals;
  CHECK_NOTHROW(check_yaml_encoding("", "t.yaml"));
  CHECK_NOTHROW(check_yaml_encoding("base: default\nnote: \"µ ✓\"\n", "t.yaml"));
  CHECK_NOTHROW(check_yaml_encoding("\xEF\xBB\xBF" "base: default\n", "t.yaml"));  // UTF-8 mark: yaml-cpp skips it
  // "base" in UTF-16 LE with its mark, as Windows editors save it
  const std::string le = "\xFF\xFE" "b\0a\0s\0e\0"s;
  CHECK_THROWS_WITH(check_yaml_encoding(le, "w.yaml"),
                    Catch::Contains("w.yaml") && Catch::Contains("UTF-16 byte-order mark") && Catch::Contains("iconv"));
  CHECK_THROWS_WITH(check_yaml_encoding("\xFE\xFF\0b"s, "w.yaml"), Catch::Contains("UTF-16"));
  CHECK_THROWS_WITH(check_yaml_encoding("\xFF\xFE\0\0b\0\0\0"s, "w.yaml"), Catch::Contains("UTF-32"));
  CHECK_THROWS_WITH(check_yaml_encoding("b\0a\0"s, "n.yaml"), Catch::Contains("NUL bytes"));
  // load_yaml_document checks it first
  CHECK_THROWS_WITH(cimvp::load_yaml_document(le, "w.yaml"), Catch::Contains("not UTF-8 text"));
}
