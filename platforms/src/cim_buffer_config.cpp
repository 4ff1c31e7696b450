#include "cimvp/platform/cim_buffer_config.h"

#include "cimvp/platform/cim_config.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
void check_cim_buffer(const PlatformConfig& c, const CheckContext& ctx) {
  const ActivationBufferConfig& b = c.cim.buffer;
  // each field checked under its own key, so the error names where the value came from
  if (b.input_half_bytes % 8 != 0)
    ctx.fail("cim.buffer.input_bytes", "expected a multiple of 8, got " + std::to_string(b.input_half_bytes));
  if (b.output_half_bytes % 8 != 0)
    ctx.fail("cim.buffer.output_bytes", "expected a multiple of 8, got " + std::to_string(b.output_half_bytes));
  try {
    b.validate();
  } catch (const std::invalid_argument& e) {
    ctx.fail("cim.buffer", e.what());
  }
  const auto& map = c.router.map;
  for (std::size_t i = 0; i < map.size(); ++i) {
    if (map[i].target != "cim_buffer") continue;
    const std::string item = "address_map[" + std::to_string(i) + "]";
    if (!has_cim(c)) ctx.fail(item, "a cim_buffer window needs the cim macro (a `cim` entry) in the address map");
    if (map[i].size < b.window_bytes())
      ctx.fail(item, "the cim_buffer window needs at least " + std::to_string(b.window_bytes()) +
                         " bytes (2 x (cim.buffer.input_bytes + cim.buffer.output_bytes)), got " +
                         std::to_string(map[i].size));
  }
}
}  // namespace

void add_cim_buffer_keys(ConfigSchema& s) {
  s.add("cim.buffer.input_bytes", [](auto& c) -> auto& { return c.cim.buffer.input_half_bytes; })
      .with_unit("bytes").range(std::uint64_t{8}, std::uint64_t{256} << 20)
      .describe("One input half of the double-buffered activation buffer (multiple of 8); the "
                "`cim_buffer` window holds two input and two output halves (allocated up front).");
  s.add("cim.buffer.output_bytes", [](auto& c) -> auto& { return c.cim.buffer.output_half_bytes; })
      .with_unit("bytes").range(std::uint64_t{8}, std::uint64_t{256} << 20)
      .describe("One output half (int32 sums of the last layer; multiple of 8).");
  s.add("cim.buffer.port_bytes", [](auto& c) -> auto& { return c.cim.buffer.port_bytes; })
      .with_unit("bytes").range(1u, 4096u)
      .describe("Bytes per macro clock of the buffer's ports (bus side and macro side).");
  s.add("cim.buffer.access_cycles", [](auto& c) -> auto& { return c.cim.buffer.access_cycles; })
      .describe("Macro clocks of fixed latency per buffer access.");
  s.add("cim.buffer.dmi", [](auto& c) -> auto& { return c.cim.buffer.dmi; })
      .describe("Grant DMI on the cim_buffer window (DMI accesses bypass the buffer's counters and energy).");
  s.add_check(check_cim_buffer);
}

bool has_cim_buffer(const PlatformConfig& config) {
  return std::any_of(config.router.map.begin(), config.router.map.end(),
                     [](const AddressRange& r) { return r.target == "cim_buffer"; });
}

std::uint64_t cim_buffer_base(const PlatformConfig& config) {
  for (const auto& r : config.router.map)
    if (r.target == "cim_buffer") return r.base;
  throw std::invalid_argument("the address map has no 'cim_buffer' entry");
}

}  // namespace cimvp
