// The table-driven schema engine on a small config struct of its own
// (platforms/include/cimvp/platform/config_schema.h).
#include <catch2/catch.hpp>

#include "cimvp/platform/config_schema.h"

#include <string>

using namespace cimvp;

namespace {

enum class Flavor { plain, fancy };

struct Port {
  std::string kind;
  std::uint64_t addr = 0;
  unsigned width = 4;
};

struct Toy {
  std::string label = "toy";
  bool on = false;
  std::uint64_t bytes = 1024;
  std::uint8_t small = 3;
  std::int32_t offset = -2;
  double period_ns = 2.0;
  double child_period_ns = 2.0;
  double gain = 1.5;
  Flavor flavor = Flavor::plain;
  struct {
    unsigned depth = 8;
  } inner;
  std::vector<Port> ports;
};

Schema<Toy> toy_schema() {
  Schema<Toy> s;
  s.add("label", &Toy::label).describe("a label");
  s.add("on", &Toy::on).describe("a switch");
  s.add("bytes", &Toy::bytes).with_unit("bytes").min(1).describe("a size");
  s.add("small", &Toy::small).range(1, 100).describe("a small number");
  s.add("offset", &Toy::offset).range(-10, 10).describe("a signed number");
  s.add("period_ns", &Toy::period_ns).as_time().above(0).describe("a period");
  s.add("child.period_ns", &Toy::child_period_ns).as_time().above(0).inherit("period_ns").describe("inherits");
  s.add("gain", &Toy::gain).range(0.0, 2.0).describe("a gain");
  s.add_enum("flavor", &Toy::flavor, std::vector<std::pair<std::string, Flavor>>{{"plain", Flavor::plain},
                                                                                  {"fancy", Flavor::fancy}})
      .describe("an enum");
  s.add("deep.inner.depth", [](auto& t) -> auto& { return t.inner.depth; }).min(1u).describe("nested");
  auto ports = s.add_list("ports", [](auto& t) -> auto& { return t.ports; }, "a list");
  ports.add("kind", &Port::kind).one_of({"in", "out"}).mandatory().describe("kind");
  ports.add("addr", &Port::addr).hex().mandatory().describe("address");
  ports.add("width", &Port::width).range(1u, 8u).describe("width");
  s.add_check([](const Toy& t, const CheckContext& ctx) {
    if (t.gain > 1.0 && t.on) ctx.fail("gain", "must be <= 1 when 'on' is true");
  });
  return s;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("schema: an empty document keeps every default", "[config][schema]") {
  const auto s = toy_schema();
  const Toy t = s.load("", "t.yaml");
  CHECK(t.label == "toy");
  CHECK(t.bytes == 1024u);
  CHECK(t.child_period_ns == 2.0);
  CHECK(t.ports.empty());
  CHECK(s.load("# only a comment\n", "t.yaml").bytes == 1024u);
}

TEST_CASE("schema: every type parses from YAML", "[config][schema]") {
  const auto s = toy_schema();
  const Toy t = s.load(
      "label: hello world\n"
      "on: yes\n"
      "bytes: 4 KiB\n"
      "small: 0x10\n"
      "offset: -7\n"
      "period_ns: 2 us\n"
      "gain: 0.25\n"
      "flavor: fancy\n"
      "deep:\n"
      "  inner:\n"
      "    depth: 3\n"
      "ports:\n"
      "  - {kind: in, addr: 0x1000_0000}\n"
      "  - kind: out\n"
      "    addr: 16\n"
      "    width: 8\n",
      "t.yaml");
  CHECK(t.label == "hello world");
  CHECK(t.on);
  CHECK(t.bytes == 4096u);
  CHECK(t.small == 16);
  CHECK(t.offset == -7);
  CHECK(t.period_ns == 2000.0);
  CHECK(t.child_period_ns == 2000.0);  // inherited: not set explicitly
  CHECK(t.gain == 0.25);
  CHECK(t.flavor == Flavor::fancy);
  CHECK(t.inner.depth == 3u);
  REQUIRE(t.ports.size() == 2);
  CHECK(t.ports[0].kind == "in");
  CHECK(t.ports[0].addr == 0x10000000u);
  CHECK(t.ports[0].width == 4u);  // item default
  CHECK(t.ports[1].kind == "out");
  CHECK(t.ports[1].addr == 16u);
  CHECK(t.ports[1].width == 8u);
}

TEST_CASE("schema: an explicit value beats an inherited default", "[config][schema]") {
  const auto s = toy_schema();
  const Toy t = s.load("period_ns: 5\nchild:\n  period_ns: 7\n", "t.yaml");
  CHECK(t.period_ns == 5.0);
  CHECK(t.child_period_ns == 7.0);
  const Toy u = s.load("period_ns: 5\n", "t.yaml", {"child.period_ns=9"});
  CHECK(u.child_period_ns == 9.0);
}

TEST_CASE("schema: type and range errors name file, line, column, key and expectation", "[config][schema]") {
  const auto s = toy_schema();
  CHECK(error_of([&] { s.load("bytes: lots\n", "t.yaml"); }) ==
        "t.yaml:1:8: bytes: expected an unsigned integer >= 1 (bytes), got \"lots\"");
  CHECK(error_of([&] { s.load("bytes: 0\n", "t.yaml"); }) ==
        "t.yaml:1:8: bytes: expected an unsigned integer >= 1 (bytes), got \"0\"");
  CHECK(error_of([&] { s.load("small: 300\n", "t.yaml"); }) ==
        "t.yaml:1:8: small: expected an unsigned integer in 1 .. 100, got \"300\"");
  CHECK(error_of([&] { s.load("offset: 11\n", "t.yaml"); }) ==
        "t.yaml:1:9: offset: expected an integer in -10 .. 10, got \"11\"");
  CHECK(error_of([&] { s.load("period_ns: 0\n", "t.yaml"); }) ==
        "t.yaml:1:12: period_ns: expected a number > 0 (ns), got \"0\"");
  CHECK(error_of([&] { s.load("gain: 2.5\n", "t.yaml"); }) ==
        "t.yaml:1:7: gain: expected a number in 0 .. 2, got \"2.5\"");
  CHECK(error_of([&] { s.load("on: maybe\n", "t.yaml"); }) ==
        "t.yaml:1:5: on: expected true or false, got \"maybe\"");
  CHECK(error_of([&] { s.load("flavor: spicy\n", "t.yaml"); }) ==
        "t.yaml:1:9: flavor: expected one of: plain, fancy, got \"spicy\"");
  CHECK(error_of([&] { s.load("deep:\n  inner:\n    depth: [1, 2]\n", "t.yaml"); }) ==
        "t.yaml:3:12: deep.inner.depth: expected an unsigned integer >= 1, got a list");
  CHECK(error_of([&] { s.load("label:\n", "t.yaml"); }) ==
        "t.yaml:1:1: label: expected a string, got nothing");
}

TEST_CASE("schema: unknown keys get a 'did you mean' hint", "[config][schema]") {
  const auto s = toy_schema();
  CHECK(error_of([&] { s.load("lable: x\n", "t.yaml"); }) == "t.yaml:1:1: unknown key 'lable' (did you mean 'label'?)");
  CHECK(error_of([&] { s.load("deep:\n  iner:\n    depth: 1\n", "t.yaml"); }) ==
        "t.yaml:2:3: unknown key 'deep.iner' (did you mean 'deep.inner'?)");
  // right name, wrong section
  CHECK(error_of([&] { s.load("depth: 1\n", "t.yaml"); }) ==
        "t.yaml:1:1: unknown key 'depth' (did you mean 'deep.inner.depth'?)");
  // nothing close
  CHECK(error_of([&] { s.load("zzzzzzzz: 1\n", "t.yaml"); }) == "t.yaml:1:1: unknown key 'zzzzzzzz'");
  CHECK(error_of([&] { s.load("ports:\n  - {kind: in, adr: 1}\n", "t.yaml"); }) ==
        "t.yaml:2:16: ports[0]: unknown key 'adr' (did you mean 'addr'?)");
}

TEST_CASE("schema: structural errors", "[config][schema]") {
  const auto s = toy_schema();
  CHECK(error_of([&] { s.load("- 1\n- 2\n", "t.yaml"); }) ==
        "t.yaml:1:1: expected a map of keys at the top level, got a list");
  CHECK(error_of([&] { s.load("deep: 5\n", "t.yaml"); }) == "t.yaml:1:7: deep: expected a map of keys, got \"5\"");
  CHECK(error_of([&] { s.load("label: a\nlabel: b\n", "t.yaml"); }) == "t.yaml:2:1: label: duplicate key");
  CHECK(error_of([&] { s.load("ports: 3\n", "t.yaml"); }) ==
        "t.yaml:1:8: ports: expected a list of maps with keys kind, addr, width, got \"3\"");
  CHECK(error_of([&] { s.load("ports:\n  - 3\n", "t.yaml"); }) ==
        "t.yaml:2:5: ports[0]: expected a map with keys kind, addr, width, got \"3\"");
  CHECK(error_of([&] { s.load("ports:\n  - {kind: in}\n", "t.yaml"); }) ==
        "t.yaml:2:5: ports[0]: missing key 'addr' (an unsigned integer)");
  CHECK(error_of([&] { s.load("ports:\n  - {kind: up, addr: 1}\n", "t.yaml"); }) ==
        "t.yaml:2:12: ports[0].kind: expected one of: in, out, got \"up\"");
}

TEST_CASE("schema: malformed YAML reports the parser's position", "[config][schema]") {
  const auto s = toy_schema();
  const std::string e = error_of([&] { s.load("label: [unclosed\non: true\n", "bad.yaml"); });
  CHECK_THAT(e, Catch::StartsWith("bad.yaml:"));
  CHECK_THAT(e, Catch::Contains("invalid YAML"));
  const std::string e2 = error_of([&] { s.load("a: b: c\n", "bad.yaml"); });
  CHECK_THAT(e2, Catch::StartsWith("bad.yaml:1:"));
  CHECK_THAT(e2, Catch::Contains("invalid YAML"));
}

TEST_CASE("schema: --set overrides scalars, list items, whole lists and sections", "[config][schema]") {
  const auto s = toy_schema();
  const std::string base = "ports:\n  - {kind: in, addr: 1}\n";
  Toy t = s.load(base, "t.yaml", {"bytes=0x2000", "label = spaced out ", "ports[0].addr=0x40", "ports.1.kind=out",
                                  "ports.1.addr=2", "deep={inner: {depth: 12}}"});
  CHECK(t.bytes == 0x2000u);
  CHECK(t.label == "spaced out");
  REQUIRE(t.ports.size() == 2);
  CHECK(t.ports[0].addr == 0x40u);
  CHECK(t.ports[1].kind == "out");
  CHECK(t.ports[1].addr == 2u);
  CHECK(t.inner.depth == 12u);
  t = s.load(base, "t.yaml", {"ports=[{kind: out, addr: 7}, {kind: in, addr: 8, width: 2}]"});
  REQUIRE(t.ports.size() == 2);
  CHECK(t.ports[0].addr == 7u);
  CHECK(t.ports[1].width == 2u);
  t = s.load(base, "t.yaml", {"bytes=1", "bytes=2"});  // last one wins
  CHECK(t.bytes == 2u);
}

TEST_CASE("schema: --set errors", "[config][schema]") {
  const auto s = toy_schema();
  CHECK(error_of([&] { s.load("", "t.yaml", {"bytes"}); }) == "--set: expected key.path=value, got \"bytes\"");
  CHECK(error_of([&] { s.load("", "t.yaml", {"=3"}); }) == "--set: missing key before '=' in \"=3\"");
  CHECK(error_of([&] { s.load("", "t.yaml", {"bytes=huge"}); }) ==
        "--set: bytes: expected an unsigned integer >= 1 (bytes), got \"huge\"");
  CHECK(error_of([&] { s.load("", "t.yaml", {"flavour=fancy"}); }) ==
        "--set: unknown key 'flavour' (did you mean 'flavor'?)");
  CHECK(error_of([&] { s.load("", "t.yaml", {"deep.inner.dpth=1"}); }) ==
        "--set: unknown key 'deep.inner.dpth' (did you mean 'deep.inner.depth'?)");
  CHECK(error_of([&] { s.load("", "t.yaml", {"ports[3].addr=1"}); }) ==
        "--set: ports[3]: no such item: the list has 0 item(s); use index 0 to append one");
  CHECK(error_of([&] { s.load("", "t.yaml", {"ports[0].adr=1"}); }) ==
        "--set: ports[0]: unknown key 'adr' (did you mean 'addr'?)");
  CHECK(error_of([&] { s.load("", "t.yaml", {"ports[0].width=9"}); }) ==
        "--set: ports[0].width: expected an unsigned integer in 1 .. 8, got \"9\"");
  CHECK(error_of([&] { s.load("", "t.yaml", {"deep={inner: {depth: zero}}"}); }) ==
        "--set: deep.inner.depth: expected an unsigned integer >= 1, got \"zero\"");
  CHECK_THAT(error_of([&] { s.load("", "t.yaml", {"ports=[{kind: in"}); }),
             Catch::StartsWith("--set: ports: invalid YAML value \"[{kind: in\""));
}

TEST_CASE("schema: cross-field checks are located where the key was set", "[config][schema]") {
  const auto s = toy_schema();
  CHECK(error_of([&] { s.load("on: true\n", "t.yaml"); }) == "gain: must be <= 1 when 'on' is true");
  CHECK(error_of([&] { s.load("on: true\ngain: 1.5\n", "t.yaml"); }) ==
        "t.yaml:2:7: gain: must be <= 1 when 'on' is true");
  CHECK(error_of([&] { s.load("on: true\n", "t.yaml", {"gain=1.2"}); }) ==
        "--set: gain: must be <= 1 when 'on' is true");
}

TEST_CASE("schema: origin records where each value came from", "[config][schema]") {
  const auto s = toy_schema();
  ConfigOrigin o;
  s.load("label: x\nports:\n  - {kind: in, addr: 1}\n", "t.yaml", {"bytes=5"}, &o);
  CHECK(o.location_of("label") == "t.yaml:1:8");
  CHECK(o.location_of("bytes") == "--set");
  CHECK(o.location_of("ports[0].addr") == "t.yaml:3:22");
  CHECK(o.location_of("ports[0].width") == "t.yaml:3:5");  // falls back to the item
  CHECK(o.location_of("gain") == "");
  CHECK_FALSE(o.is_set("gain"));

  // a list replaced from the command line forgets where the old items came from
  ConfigOrigin o2;
  s.load("ports:\n  - {kind: in, addr: 1}\n  - {kind: out, addr: 2}\n", "t.yaml", {"ports=[{kind: out, addr: 3}]"}, &o2);
  CHECK(o2.location_of("ports") == "--set");
  CHECK(o2.location_of("ports[0].addr") == "--set");
  CHECK_FALSE(o2.is_set("ports[1]"));
  CHECK_FALSE(o2.is_set("ports[1].addr"));
}

TEST_CASE("schema: JSON echo follows registration order and nests by path", "[config][schema]") {
  const auto s = toy_schema();
  const Toy t = s.load("ports:\n  - {kind: in, addr: 0x10}\n", "t.yaml");
  const auto j = s.to_json(t);
  CHECK(j.dump() ==
        "{\"label\":\"toy\",\"on\":false,\"bytes\":1024,\"small\":3,\"offset\":-2,\"period_ns\":2.0,"
        "\"child\":{\"period_ns\":2.0},\"gain\":1.5,\"flavor\":\"plain\",\"deep\":{\"inner\":{\"depth\":8}},"
        "\"ports\":[{\"kind\":\"in\",\"addr\":16,\"width\":4}]}");
}

TEST_CASE("schema: markdown table lists every key with default, unit, range and doc", "[config][schema]") {
  const auto s = toy_schema();
  const std::string md = s.markdown();
  CHECK_THAT(md, Catch::StartsWith("| key | type | default | unit | allowed | description |\n|---|"));
  CHECK_THAT(md, Catch::Contains("| `bytes` | uint | `1 KiB` | bytes | >= 1 | a size |\n"));
  CHECK_THAT(md, Catch::Contains("| `small` | uint | `3` |  | 1 .. 100 | a small number |\n"));
  CHECK_THAT(md, Catch::Contains("| `period_ns` | time | `2` | ns | > 0 | a period |\n"));
  CHECK_THAT(md, Catch::Contains("| `child.period_ns` | time | = `period_ns` | ns | > 0 | inherits |\n"));
  CHECK_THAT(md, Catch::Contains("| `flavor` | enum | `plain` |  | plain, fancy | an enum |\n"));
  CHECK_THAT(md, Catch::Contains("| `ports` | list | `[]` |  |  | a list |\n"));
  CHECK_THAT(md, Catch::Contains("| `ports[].addr` | uint | required |  |  | address |\n"));
  CHECK_THAT(md, Catch::Contains("| `ports[].width` | uint | `4` |  | 1 .. 8 | width |\n"));
}

TEST_CASE("schema: registering a key twice is a programming error", "[config][schema]") {
  auto s = toy_schema();
  CHECK_THROWS_AS(s.add("label", &Toy::label), std::logic_error);
  // a later block can extend the allowed values of an existing key
  s.find("ports[].kind")->choices.push_back("inout");
  CHECK(s.load("ports:\n  - {kind: inout, addr: 1}\n", "t.yaml").ports[0].kind == "inout");
}
