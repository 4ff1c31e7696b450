#include "cimvp/platform/platform_config.h"

#include "cimvp/circuit/input_file.h"
#include "cimvp/circuit/thread_pool.h"

#include "cimvp/soc/dma/host_dma.h"
#include "cimvp/platform/builtin_platforms.h"
#include "cimvp/platform/cim_buffer_config.h"
#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/platform/target_kinds.h"
#include "cimvp/platform/units.h"
#include "cimvp/platform/yaml_load.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cimvp {

PlatformConfig default_platform_config() {
  PlatformConfig c;
  c.router.map = {{"memory", 0x0, c.memory.size_bytes}, {"dma", 0x4000'0000, 4096}};
  return c;
}

namespace {

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

bool is_power_of_two(std::uint64_t v) { return v != 0 && (v & (v - 1)) == 0; }

std::string item(std::size_t i) { return "address_map[" + std::to_string(i) + "]"; }

void check_address_map(const PlatformConfig& c, const CheckContext& ctx) {
  const auto& map = c.router.map;
  // every range fits in the 64-bit address space
  for (std::size_t i = 0; i < map.size(); ++i)
    if (map[i].size - 1 > ~std::uint64_t{0} - map[i].base)
      ctx.fail(item(i), "range " + hex(map[i].base) + " + " + hex(map[i].size) +
                            " runs past the end of the 64-bit address space");
  // each target once
  for (std::size_t i = 0; i < map.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (map[i].target == map[j].target)
        ctx.fail(item(i), "target '" + map[i].target + "' is already mapped by " + item(j));
  // no overlaps
  for (std::size_t i = 0; i < map.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const std::uint64_t a_lo = map[i].base, a_hi = map[i].base + (map[i].size - 1);
      const std::uint64_t b_lo = map[j].base, b_hi = map[j].base + (map[j].size - 1);
      if (a_lo <= b_hi && b_lo <= a_hi)
        ctx.fail(item(i), map[i].target + " [" + hex(a_lo) + ", " + hex(a_hi) + "] overlaps " + item(j) +
                              " " + map[j].target + " [" + hex(b_lo) + ", " + hex(b_hi) + "]");
    }
  // the platform needs the memory and the DMA registers on the bus
  for (const char* needed : {"memory", "dma"})
    if (std::none_of(map.begin(), map.end(), [&](const AddressRange& r) { return r.target == needed; }))
      ctx.fail("address_map", std::string("no entry maps target '") + needed + "'");
  for (std::size_t i = 0; i < map.size(); ++i)
    if (map[i].target == "dma" && map[i].size < dma_reg::WINDOW_BYTES)
      ctx.fail(item(i), "the dma register window needs at least " + std::to_string(dma_reg::WINDOW_BYTES) +
                            " bytes, got " + std::to_string(map[i].size));
  for (std::size_t i = 0; i < map.size(); ++i)
    if (map[i].target == "memory" && map[i].size > c.memory.size_bytes)
      ctx.fail(item(i), "memory window of " + std::to_string(map[i].size) +
                            " bytes is larger than memory.size_bytes (" + std::to_string(c.memory.size_bytes) +
                            ")");
}

void check_buses(const PlatformConfig& c, const CheckContext& ctx) {
  if (!is_power_of_two(c.dma.bus_width_bytes))
    ctx.fail("dma.bus_width_bytes", "expected a power of two, got " + std::to_string(c.dma.bus_width_bytes));
  if (c.dma.burst_bytes % c.dma.bus_width_bytes != 0)
    ctx.fail("dma.burst_bytes", std::to_string(c.dma.burst_bytes) + " is not a multiple of dma.bus_width_bytes (" +
                                    std::to_string(c.dma.bus_width_bytes) + ")");
  if (c.memory.fault.error_bytes > 0 &&
      (c.memory.fault.error_base >= c.memory.size_bytes ||
       c.memory.fault.error_bytes > c.memory.size_bytes - c.memory.fault.error_base))
    ctx.fail("memory.fault.error_bytes", "the failing range " + hex(c.memory.fault.error_base) + " + " +
                                             std::to_string(c.memory.fault.error_bytes) +
                                             " bytes is not inside the memory (memory.size_bytes " +
                                             std::to_string(c.memory.size_bytes) + ")");
  if (!is_power_of_two(c.host.bus_width_bytes))
    ctx.fail("host.bus_width_bytes", "expected a power of two, got " + std::to_string(c.host.bus_width_bytes));
  if (c.name.empty()) ctx.fail("name", "must not be empty");
}

}  // namespace

void add_core_keys(ConfigSchema& s) {
  // top level
  s.add("name", &PlatformConfig::name).describe("Platform name, shown in reports.");
  s.add("description", &PlatformConfig::description)
      .describe("One line shown by `cimvp --list-platforms`.");
  s.add("clock_period_ns", &PlatformConfig::clock_period_ns)
      .as_time().above(0)
      .describe("System clock period; `host` and `dma` clocks default to it.");
  s.add("quantum_ns", &PlatformConfig::quantum_ns)
      .as_time().above(0)
      .describe("Global TLM quantum of loosely-timed initiators (`--quantum` overrides it).");
  s.add("seed", &PlatformConfig::seed).describe("Master seed of every seeded non-ideality and test pattern.");
  s.add("threads", [](auto& c) -> auto& { return c.cim.threads; })
      .range(0u, kMaxThreads)
      .describe("Simulation threads of the CIM macro (0 = every core, 1 = single-threaded): a tile's vector "
                "blocks run through every layer on them (two-pass tiles), or the sub-arrays of one array read "
                "where a tile cannot be split. Simulator speed only: predictions, counters, reports and "
                "waveforms are the same for every value (docs/performance.md).");


  // memory
  s.add("memory.size_bytes", [](auto& c) -> auto& { return c.memory.size_bytes; })
      .with_unit("bytes").range(std::uint64_t{1}, std::uint64_t{4} << 30)
      .describe("DRAM capacity (allocated up front, zero pages on demand).");
  s.add("memory.read_latency_ns", [](auto& c) -> auto& { return c.memory.read_latency_ns; })
      .as_time().min(0)
      .describe("Fixed latency of a read transaction.");
  s.add("memory.write_latency_ns", [](auto& c) -> auto& { return c.memory.write_latency_ns; })
      .as_time().min(0)
      .describe("Fixed latency of a write transaction.");
  s.add("memory.bytes_per_ns", [](auto& c) -> auto& { return c.memory.bytes_per_ns; })
      .with_unit("bytes/ns").above(0)
      .describe("Streaming bandwidth: a transaction of n bytes adds n / bytes_per_ns.");
  s.add("memory.dmi", [](auto& c) -> auto& { return c.memory.dmi; })
      .describe("Grant DMI to initiators that ask (never while a memory.fault is set).");
  s.add("memory.fault.error_base", [](auto& c) -> auto& { return c.memory.fault.error_base; })
      .hex()
      .describe("Injected fault: first memory address (offset in the memory) of a range whose transactions get "
                "TLM_GENERIC_ERROR_RESPONSE.");
  s.add("memory.fault.error_bytes", [](auto& c) -> auto& { return c.memory.fault.error_bytes; })
      .with_unit("bytes")
      .describe("Injected fault: size of that range (0 = none); a transaction touching it fails.");
  s.add("memory.fault.error_after", [](auto& c) -> auto& { return c.memory.fault.error_after; })
      .describe("Injected transient fault: transactions (reads and writes, not debug) served normally before "
                "memory.fault.error_count of them fail.");
  s.add("memory.fault.error_count", [](auto& c) -> auto& { return c.memory.fault.error_count; })
      .describe("Injected transient fault: transactions after memory.fault.error_after that get "
                "TLM_GENERIC_ERROR_RESPONSE, whatever their address (0 = none).");

  // interconnect
  s.add("router.latency_ns", [](auto& c) -> auto& { return c.router.latency_ns; })
      .as_time().min(0)
      .describe("Added to every routed transaction.");
  auto map = s.add_list("address_map", [](auto& c) -> auto& { return c.router.map; },
                        "Bus address map; the router's i-th target socket serves item i.");
  map.add("target", &AddressRange::target)
      .one_of(target_kind_names())
      .mandatory()
      .describe("Module that serves the range.");
  map.add("base", &AddressRange::base).hex().mandatory().describe("First bus address of the range.");
  map.add("size", &AddressRange::size)
      .with_unit("bytes").min(1).mandatory()
      .describe("Range size; the target sees offsets [0, size).");

  // host DMA
  s.add("dma.clock_period_ns", [](auto& c) -> auto& { return c.dma.clock_period_ns; })
      .as_time().above(0).inherit("clock_period_ns")
      .describe("DMA engine clock period.");
  s.add("dma.bus_width_bytes", [](auto& c) -> auto& { return c.dma.bus_width_bytes; })
      .with_unit("bytes").range(1u, 4096u)
      .describe("Data bus width (power of two): one beat moves this many bytes.");
  s.add("dma.burst_bytes", [](auto& c) -> auto& { return c.dma.burst_bytes; })
      .with_unit("bytes").range(std::uint64_t{1}, std::uint64_t{1} << 20)
      .describe("Bytes per TLM transaction (the size of the engine's staging buffer); a multiple of "
                "dma.bus_width_bytes.");
  s.add("dma.setup_latency_ns", [](auto& c) -> auto& { return c.dma.setup_latency_ns; })
      .as_time().min(0)
      .describe("Start-up latency after CTRL.START.");
  s.add("dma.use_dmi", [](auto& c) -> auto& { return c.dma.use_dmi; })
      .describe("Use DMI to memory when granted.");

  // host
  s.add("host.clock_period_ns", [](auto& c) -> auto& { return c.host.clock_period_ns; })
      .as_time().above(0).inherit("clock_period_ns")
      .describe("Host CPU clock period.");
  s.add("host.cycles_per_access", [](auto& c) -> auto& { return c.host.cycles_per_access; })
      .describe("Host cycles per bus access (read32, write32, each block chunk).");
  s.add("host.irq_lines", [](auto& c) -> auto& { return c.host.irq_lines; })
      .range(1u, 64u)
      .describe("Interrupt inputs of the host; the DMA interrupt is line 0.");
  s.add("host.bus_width_bytes", [](auto& c) -> auto& { return c.host.bus_width_bytes; })
      .with_unit("bytes").range(1u, 4096u)
      .describe("Bytes per bus transaction of write_block/read_block (power of two).");

  s.add_check(check_address_map);
  s.add_check(check_buses);
}

ConfigSchema platform_schema() {
  ConfigSchema s(default_platform_config());
  add_core_keys(s);
  add_cim_keys(s);
  add_cim_buffer_keys(s);
  add_tech_keys(s);
  s.add_foreign("base");      // platform_chain()
  s.add_foreign("workload");  // load_workload()
  return s;
}

std::string read_text_file(const std::string& path, const std::string& what) {
  std::string text;
  const std::string problem = read_input_file(path, text);
  if (!problem.empty()) throw ConfigError("", "", "cannot read " + what + " '" + path + "': " + problem);
  return text;
}

PlatformSource resolve_platform(const std::string& spec) {
  std::error_code ec;
  if (std::filesystem::exists(spec, ec)) {
    if (std::filesystem::is_directory(spec, ec))
      throw ConfigError("", "", "platform file '" + spec + "' is a directory");
    return {spec, read_text_file(spec, "platform file"), ""};
  }
  if (const BuiltinPlatform* b = find_builtin_platform(spec))
    return {std::string(b->name) + ".yaml", std::string(b->text), std::string(b->name)};
  std::string names;
  for (const auto& b : builtin_platforms()) names += (names.empty() ? "" : ", ") + std::string(b.name);
  throw ConfigError("", "", "no platform file '" + shown(spec) + "' and no built-in platform of that name (built-in: " +
                                names + ")");
}

namespace {

/// The top-level `base` of a platform document: "" when absent.
std::string base_key(const PlatformSource& src) {
  const YAML::Node root = load_yaml_document(src.text, src.source);
  if (!root.IsMap()) return {};
  for (const auto& kv : root) {
    if (!kv.first.IsScalar() || kv.first.Scalar() != "base") continue;
    const YAML::Mark m = kv.second.Mark();
    const std::string at = src.source + (m.line >= 0 ? ":" + std::to_string(m.line + 1) + ":" + std::to_string(m.column + 1) : "");
    if (!kv.second.IsScalar() || kv.second.Scalar().empty())
      throw ConfigError(at, "base", "expected a built-in platform name, a platform file or none");
    return kv.second.Scalar();
  }
  return {};
}

std::string identity(const PlatformSource& s) {
  if (!s.builtin.empty()) return "builtin:" + s.builtin;
  std::error_code ec;
  const auto canon = std::filesystem::weakly_canonical(s.source, ec);
  return "file:" + (ec ? s.source : canon.string());
}

}  // namespace

std::vector<PlatformSource> platform_chain(const PlatformSource& src) {
  constexpr std::size_t kMaxDepth = 8;
  std::vector<PlatformSource> chain{src};
  while (true) {
    const PlatformSource& cur = chain.back();
    std::string base = base_key(cur);
    if (base.empty()) base = cur.builtin == "default" ? "none" : "default";
    if (base == "none") break;
    if (chain.size() > kMaxDepth)
      throw ConfigError(cur.source, "base", "platform bases nested deeper than " + std::to_string(kMaxDepth));
    PlatformSource next;
    std::error_code ec;
    const std::filesystem::path rel = std::filesystem::path(cur.source).parent_path() / base;
    if (cur.builtin.empty() && std::filesystem::path(base).is_relative() && std::filesystem::is_regular_file(rel, ec)) {
      next = {rel.string(), read_text_file(rel.string(), "platform file"), ""};
    } else {
      try {
        next = resolve_platform(base);
      } catch (const ConfigError& e) {
        throw ConfigError(cur.source, "base", e.what());
      }
    }
    for (const auto& seen : chain)
      if (identity(seen) == identity(next))
        throw ConfigError(cur.source, "base", "'" + base + "' is already in the chain of bases (a cycle)");
    chain.push_back(std::move(next));
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

bool is_workload_override(const std::string& assignment) {
  const std::string key = assignment.substr(0, assignment.find('='));
  std::size_t b = 0;
  while (b < key.size() && std::isspace(static_cast<unsigned char>(key[b]))) ++b;
  return key.compare(b, 9, "workload.") == 0;
}

PlatformConfig load_platform(const PlatformSource& src, const std::vector<std::string>& overrides,
                             ConfigOrigin* origin) {
  const ConfigSchema schema = platform_schema();
  const std::vector<PlatformSource> chain = platform_chain(src);
  PlatformConfig cfg = schema.defaults();
  ConfigOrigin base_origin, user_origin;
  for (std::size_t i = 0; i + 1 < chain.size(); ++i) schema.apply_yaml(cfg, chain[i].text, chain[i].source, base_origin);
  // a built-in platform's own keys are not the user's: only a file of the user's and --set
  // are checked for cim.* keys that nothing would use
  schema.apply_yaml(cfg, src.text, src.source, src.builtin.empty() ? user_origin : base_origin);
  for (const auto& o : overrides)
    if (!is_workload_override(o)) schema.apply_set(cfg, o, user_origin);
  if (!user_origin.is_set("name") && src.builtin.empty()) cfg.name = std::filesystem::path(src.source).stem().string();
  if (!user_origin.is_set("description") && chain.size() > 1 && src.builtin.empty())
    cfg.description = "extends " + chain[chain.size() - 2].source + ": " + cfg.description;
  const bool maps_cim = std::any_of(cfg.router.map.begin(), cfg.router.map.end(),
                                    [](const AddressRange& r) { return r.target == "cim"; });
  if (!maps_cim)
    for (const auto& [path, where] : user_origin.all())
      if (path.compare(0, 4, "cim.") == 0)
        throw ConfigError(where, path,
                          "is set but the address map has no 'cim' target, so the CIM macro is not built and every "
                          "cim.* key would be ignored (map one: { target: cim, base: 0x5000_0000, size: 4 KiB })");
  // RRAM cell keys the user gave while the array is SRAM: nothing would read them
  if (cfg.cim.cells.kind != ArrayKind::rram)
    for (const auto& [path, where] : user_origin.all())
      if (path.compare(0, 15, "cim.array.rram.") == 0)
        throw ConfigError(where, path,
                          "is set but cim.array.kind is sram, so every cim.array.rram.* key would be ignored "
                          "(set cim.array.kind: rram, or start from --platform rram-bcnn)");
  // one origin for the checks: the base's records, minus what the file or --set replaced
  ConfigOrigin merged = base_origin;
  for (const auto& [path, where] : user_origin.all()) {
    if (schema.find_list(path) != nullptr) merged.forget(path);
  }
  for (const auto& [path, where] : user_origin.all()) merged.record(path, where);
  schema.finish(cfg, merged, &user_origin);
  if (origin != nullptr) *origin = merged;
  return cfg;
}

}  // namespace cimvp
