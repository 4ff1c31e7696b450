// The platform schema (platforms/src/platform_config.cpp), the embedded platform files
// and docs/configuration.md.
#include <catch2/catch.hpp>

#include "cimvp/platform/builtin_platforms.h"
#include "cimvp/platform/platform_config.h"

#include <fstream>
#include <sstream>

using namespace cimvp;

namespace {

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

PlatformConfig load(const std::string& text, const std::vector<std::string>& sets = {}) {
  return load_platform({"p.yaml", text, ""}, sets);
}

std::string default_yaml() {
  const BuiltinPlatform* b = find_builtin_platform("default");
  REQUIRE(b != nullptr);
  return std::string(b->text);
}

}  // namespace

TEST_CASE("platform: the embedded default platform is the documented one", "[config][platform]") {
  const PlatformConfig c = load_platform(resolve_platform("default"));
  CHECK(c.name == "default");
  CHECK_FALSE(c.description.empty());
  CHECK(c.clock_period_ns == 1.0);     // 1 GHz
  CHECK(c.quantum_ns == 1000.0);       // 1 us
  CHECK(c.memory.size_bytes == 64u * 1024 * 1024);
  CHECK(c.host.clock_period_ns == 1.0);
  CHECK(c.dma.clock_period_ns == 1.0);
  REQUIRE(c.router.map.size() == 4);
  CHECK(c.router.map[0].target == "memory");
  CHECK(c.router.map[0].base == 0u);
  CHECK(c.router.map[0].size == 64u * 1024 * 1024);
  CHECK(c.router.map[1].target == "dma");
  CHECK(c.router.map[1].base == 0x40000000u);
  CHECK(c.router.map[1].size == 4096u);
  CHECK(c.router.map[2].target == "cim");  // the CIM macro (docs/cim-macro.md)
  CHECK(c.router.map[2].base == 0x50000000u);
  CHECK(c.router.map[2].size == 4096u);
  CHECK(c.router.map[3].target == "cim_buffer");  // its activation buffers
  CHECK(c.router.map[3].base == 0x50100000u);
  CHECK(c.router.map[3].size == 1024u * 1024);
  CHECK(c.host.irq_lines >= 2u);
}

TEST_CASE("platform: an empty file extends default.yaml; with base: none it gives the struct defaults", "[config][platform]") {
  const ConfigSchema s = platform_schema();
  PlatformConfig extended = load("");
  CHECK(extended.name == "p");  // named after the file
  CHECK(extended.description.rfind("extends default.yaml: ", 0) == 0);
  extended.name = "default";
  extended.description = load_platform(resolve_platform("default")).description;
  CHECK(s.to_json(extended) == s.to_json(load_platform(resolve_platform("default"))));
  PlatformConfig from_default = load("base: none\n" + default_yaml());
  PlatformConfig from_empty = load("base: none\nname: default\n");
  // default.yaml adds only its description and the CIM macro's address-map entries (its cim:
  // section spells out the defaults).
  from_default.description.clear();
  REQUIRE(from_default.router.map.size() == 4);
  from_default.router.map.pop_back();
  from_default.router.map.pop_back();
  CHECK(s.to_json(from_default) == s.to_json(from_empty));
}

TEST_CASE("platform: every embedded platform loads and validates", "[config][platform]") {
  const auto all = builtin_platforms();
  REQUIRE(all.size() >= 2);
  CHECK(find_builtin_platform("default.yaml") != nullptr);
  CHECK(find_builtin_platform("nope") == nullptr);
  for (const auto& b : all) {
    INFO(b.name);
    const PlatformConfig c = load_platform(resolve_platform(std::string(b.name)));
    CHECK(c.name == b.name);
    CHECK_FALSE(c.description.empty());
  }
}

TEST_CASE("platform: inherited clocks follow clock_period_ns unless set", "[config][platform]") {
  const PlatformConfig c = load("clock_period_ns: 2 ns\nhost:\n  clock_period_ns: 0.5\n");
  CHECK(c.dma.clock_period_ns == 2.0);
  CHECK(c.host.clock_period_ns == 0.5);
}

TEST_CASE("platform: the error formats of the brief", "[config][platform]") {
  CHECK(error_of([] { load("name: x\nmemory:\n  read_latency_ns: fast\n"); }) ==
        "p.yaml:3:20: memory.read_latency_ns: expected a number >= 0 (ns), got \"fast\"");
  CHECK(error_of([] { load("memroy:\n  size_bytes: 1\n"); }) ==
        "p.yaml:1:1: unknown key 'memroy' (did you mean 'memory'?)");
  CHECK(error_of([] { load("address_map:\n  - {target: gpu, base: 0x5000_0000, size: 4 KiB}\n"); }) ==
        "p.yaml:2:14: address_map[0].target: expected one of: memory, dma, cim, cim_buffer, got \"gpu\"");
  CHECK(error_of([] { load("", {"dma.burst_bytes=lots"}); }) ==
        "--set: dma.burst_bytes: expected an unsigned integer in 1 .. 1 MiB (bytes), got \"lots\"");
}

TEST_CASE("platform: hex, underscores and size suffixes in the address map", "[config][platform]") {
  const PlatformConfig c = load(
      "memory: {size_bytes: 0x200_0000}\n"
      "address_map:\n"
      "  - {target: dma, base: 0x4000_1000, size: 0x1000}\n"
      "  - {target: memory, base: 0x8000_0000, size: 32 MiB}\n");
  REQUIRE(c.router.map.size() == 2);
  CHECK(c.router.map[0].base == 0x40001000u);
  CHECK(c.router.map[1].base == 0x80000000u);
  CHECK(c.router.map[1].size == 33554432u);
  CHECK(c.memory.size_bytes == 33554432u);
}

TEST_CASE("platform: --set overrides, including list items in hex", "[config][platform]") {
  const PlatformConfig c = load(default_yaml(), {"memory.read_latency_ns=2us", "address_map[1].base=0x4000_2000",
                                                 "seed=0xBEEF", "dma.use_dmi=off", "quantum_ns=250 ns"});
  CHECK(c.memory.read_latency_ns == 2000.0);
  CHECK(c.router.map[1].base == 0x40002000u);
  CHECK(c.seed == 0xBEEFu);
  CHECK_FALSE(c.dma.use_dmi);
  CHECK(c.quantum_ns == 250.0);
}

TEST_CASE("platform: cross-field checks", "[config][platform]") {
  const std::string mem = "  - {target: memory, base: 0x0, size: 64 MiB}\n";
  const std::string dma = "  - {target: dma, base: 0x4000_0000, size: 4 KiB}\n";
  CHECK(error_of([&] {
          load("address_map:\n" + mem + "  - {target: dma, base: 0x3FF_F000, size: 8 KiB}\n");
        }) == "p.yaml:3:5: address_map[1]: dma [0x3fff000, 0x4000fff] overlaps address_map[0] memory "
              "[0x0, 0x3ffffff]");
  // same ranges from --set: located at --set
  CHECK(error_of([&] { load("", {"address_map[1].base=0x100"}); }) ==
        "--set: address_map[1]: dma [0x100, 0x10ff] overlaps address_map[0] memory [0x0, 0x3ffffff]");
  CHECK(error_of([&] { load("address_map:\n" + mem + "  - {target: memory, base: 0x8000_0000, size: 4 KiB}\n"); }) ==
        "p.yaml:3:5: address_map[1]: target 'memory' is already mapped by address_map[0]");
  CHECK(error_of([&] { load("address_map:\n" + mem); }) == "p.yaml:2:3: address_map: no entry maps target 'dma'");
  CHECK(error_of([&] { load("address_map:\n" + dma); }) ==
        "p.yaml:2:3: address_map: no entry maps target 'memory'");
  CHECK(error_of([&] { load("address_map: []\n"); }) == "p.yaml:1:14: address_map: no entry maps target 'memory'");
  CHECK(error_of([&] { load("address_map:\n" + dma + "  - {target: memory, base: 0xFFFF_FFFF_FFFF_F000, size: 8 KiB}\n"); }) ==
        "p.yaml:3:5: address_map[1]: range 0xfffffffffffff000 + 0x2000 runs past the end of the 64-bit address space");
  // the user's --set changed memory.size_bytes, the base file's address_map[0] objects: the
  // error points at the --set and says where the other key comes from
  CHECK(error_of([&] { load("", {"memory.size_bytes=32 MiB"}); }) ==
        "--set: memory.size_bytes: memory window of 67108864 bytes is larger than memory.size_bytes (33554432) "
        "(address_map[0] is set at default.yaml:22:5)");
  // set in the user's file: located there
  CHECK_THAT(error_of([&] { load("memory:\n  size_bytes: 32 MiB\n"); }),
             Catch::StartsWith("p.yaml:2:15: memory.size_bytes: memory window of 67108864 bytes"));
  CHECK(error_of([&] { load("address_map:\n  - {target: memory, base: 0, size: 0}\n" + dma); }) ==
        "p.yaml:2:37: address_map[0].size: expected an unsigned integer >= 1 (bytes), got \"0\"");
  CHECK(error_of([&] { load("dma:\n  bus_width_bytes: 8\n  burst_bytes: 60\n"); }) ==
        "p.yaml:3:16: dma.burst_bytes: 60 is not a multiple of dma.bus_width_bytes (8)");
  CHECK(error_of([&] { load("dma:\n  bus_width_bytes: 12\n  burst_bytes: 48\n"); }) ==
        "p.yaml:2:20: dma.bus_width_bytes: expected a power of two, got 12");
  CHECK(error_of([&] { load("", {"host.bus_width_bytes=3"}); }) ==
        "--set: host.bus_width_bytes: expected a power of two, got 3");
  CHECK(error_of([&] { load("name: ''\n"); }) == "p.yaml:1:7: name: must not be empty");
  CHECK(error_of([&] { load("quantum_ns: 0\n"); }) == "p.yaml:1:13: quantum_ns: expected a number > 0 (ns), got \"0\"");
  CHECK(error_of([&] { load("host: {irq_lines: 0}\n"); }) ==
        "p.yaml:1:19: host.irq_lines: expected an unsigned integer in 1 .. 64, got \"0\"");
}

TEST_CASE("platform: a missing platform file is a ConfigError naming it", "[config][platform]") {
  CHECK_THAT(error_of([] { resolve_platform("/nonexistent/plat.yaml"); }),
             Catch::StartsWith("no platform file '/nonexistent/plat.yaml' and no built-in platform of that name"));
  CHECK_THAT(error_of([] { read_text_file("/nonexistent/w.yaml", "workload file"); }),
             Catch::StartsWith("cannot read workload file '/nonexistent/w.yaml': "));
}

TEST_CASE("docs/configuration.md contains the generated key table", "[config][docs]") {
  std::ifstream in(std::string(CIMVP_SOURCE_DIR) + "/docs/configuration.md");
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string doc = ss.str();
  const ConfigSchema s = platform_schema();
  for (const auto& k : s.keys()) CHECK_THAT(doc, Catch::Contains("| `" + k.path + "` |"));
  for (const auto& l : s.lists())
    for (const auto& f : l.fields) CHECK_THAT(doc, Catch::Contains("| `" + f.path + "` |"));
  // and the whole table is current (regenerate with `cimvp --list-keys`)
  CHECK_THAT(doc, Catch::Contains(s.markdown()));
}
