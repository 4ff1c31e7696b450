// Support parameters (cimvp/circuit/supports.h): shapes, validation, drop order and drop
// levels, against hand-computed cases.
#include "cimvp/circuit/supports.h"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace cimvp;

TEST_CASE("support blocks: p not dividing K leaves a short last block", "[supports]") {
  SupportShape s{10, 2, 4, 3};  // K = 10, M = 2, p = 4, b_s = 3
  CHECK(s.blocks() == 3);
  CHECK(s.rows(0) == 4);
  CHECK(s.rows(1) == 4);
  CHECK(s.rows(2) == 2);
  CHECK(s.rows(3) == 0);
  CHECK(s.max_code() == 7);
}

TEST_CASE("supports are validated with the allowed values in the message", "[supports]") {
  const SupportShape s{10, 2, 4, 3};
  const std::vector<std::uint8_t> ok{1, 2, 3, 4, 5, 6};
  CHECK_NOTHROW(validate_supports(s, ok, 3));
  CHECK_THROWS_AS(validate_supports(s, {1, 2, 3}, 3), std::invalid_argument);
  CHECK_THROWS_AS(validate_supports(s, {1, 2, 3, 4, 5, 8}, 3), std::invalid_argument);  // 8 > 7
  CHECK_THROWS_AS(validate_supports(s, ok, 8), std::invalid_argument);
  CHECK_THROWS_AS(validate_supports(SupportShape{10, 2, 11, 3}, ok, 3), std::invalid_argument);
  CHECK_THROWS_AS(validate_supports(SupportShape{10, 2, 4, 9}, ok, 3), std::invalid_argument);
  CHECK_THROWS_AS(validate_supports(SupportShape{10, 2, 0, 3}, ok, 3), std::invalid_argument);
  try {
    validate_supports(s, {1, 2, 3, 4, 5, 9}, 3, "layer 1");
    FAIL("no throw");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "layer 1: support code 9 at neuron 1, block 2 (allowed 0..7)");
  }
}

TEST_CASE("drop order: cost |s - default| x rows(b), ties by flat index", "[supports]") {
  // K = 10, p = 4: rows 4, 4, 2.  default 3.
  // neuron 0: codes 3 5 7 → costs 0, 8, 8
  // neuron 1: codes 4 3 0 → costs 4, 0, 6
  const SupportShape s{10, 2, 4, 3};
  const std::vector<std::uint8_t> codes{3, 5, 7, 4, 3, 0};
  const auto order = support_drop_order(s, codes, 3);
  CHECK(order == std::vector<std::uint32_t>{0, 4, 3, 5, 1, 2});
  CHECK(dropped_supports(s, 0) == 0);
  CHECK(dropped_supports(s, 500) == 3);
  CHECK(dropped_supports(s, 999) == 5);  // ⌊5.994⌋
  CHECK(dropped_supports(s, 1000) == 6);
  CHECK_THROWS_AS(dropped_supports(s, 1001), std::invalid_argument);
  CHECK(effective_supports(s, codes, 3, 0) == codes);
  CHECK(effective_supports(s, codes, 3, 500) == std::vector<std::uint8_t>{3, 5, 7, 3, 3, 0});
  CHECK(effective_supports(s, codes, 3, 1000) == std::vector<std::uint8_t>(6, 3));
}
