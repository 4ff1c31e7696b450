#include <catch2/catch.hpp>

#include "cimvp/core/counters.h"

TEST_CASE("CounterSet keeps declaration order and adds", "[counters]") {
  cimvp::CounterSet c;
  auto b = c.declare("bytes");
  c.add("reads", 3);
  c.add(b, 64);
  c.add(b);
  REQUIRE(c.values().size() == 2);
  CHECK(c.values()[0].first == "bytes");
  CHECK(c.get("bytes") == 65);
  CHECK(c.get("reads") == 3);
  CHECK(c.get("missing") == 0);
  CHECK(c.declare("bytes") == b);
  c.reset();
  CHECK(c.get("bytes") == 0);
}
