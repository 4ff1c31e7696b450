// Plain, typed configuration structs that cimvp modules take in their constructors.
//
// No SystemC, no YAML here: the platform layer (platforms/) parses YAML into these
// structs and validates them; models only read them.  Every field carries its unit in
// its name (…_ns, …_bytes) and its default is the documented default (docs/configuration.md).
#pragma once

#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/core/priced.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// DRAM model (cimvp::Memory).
/// Injected memory errors (docs/modules.md, "Memory"; keys memory.fault.*): transactions
/// answered with TLM_GENERIC_ERROR_RESPONSE, to test how initiators and drivers survive
/// them.  While any is set the memory grants no DMI (DMI would bypass the errors); debug
/// transport is never affected.
struct MemoryFaultConfig {
  std::uint64_t error_base = 0;   ///< first target address (offset in the memory) of the failing range
  std::uint64_t error_bytes = 0;  ///< bytes of the failing range: a transaction touching it fails (0 = none)
  std::uint64_t error_after = 0;  ///< transactions served normally before the transient errors
  std::uint64_t error_count = 0;  ///< transactions after error_after that fail, whatever their address (0 = none)
  bool any() const { return error_bytes > 0 || error_count > 0; }
};

struct MemoryConfig {
  std::uint64_t size_bytes = 64ull << 20;  ///< 64 MiB
  double read_latency_ns = 50.0;           ///< fixed access latency of a read transaction
  double write_latency_ns = 50.0;          ///< fixed access latency of a write transaction
  double bytes_per_ns = 16.0;              ///< streaming bandwidth added per byte moved
  bool dmi = true;                         ///< grant DMI to initiators that ask (not while faults are set)
  MemoryFaultConfig fault;                 ///< injected error responses
};

/// One entry of the interconnect address map: target `target` sees addresses
/// [base, base + size) translated to [0, size).
struct AddressRange {
  std::string target;
  std::uint64_t base = 0;
  std::uint64_t size = 0;
};

/// Address-decoding interconnect (cimvp::Router).
struct RouterConfig {
  std::vector<AddressRange> map;  ///< non-overlapping ranges, one per target socket
  double latency_ns = 1.0;        ///< added to every routed transaction
};

/// MMIO-programmed host DMA (cimvp::HostDma).
struct HostDmaConfig {
  double clock_period_ns = 1.0;    ///< DMA engine clock
  unsigned bus_width_bytes = 8;    ///< data bus width: one beat moves this many bytes
  unsigned burst_bytes = 256;      ///< bytes per TLM transaction (a burst)
  double setup_latency_ns = 10.0;  ///< start-up latency after CTRL.START
  bool use_dmi = true;             ///< use DMI to memory when granted
};

/// Firmware-like host driver thread (cimvp::Host).
struct HostConfig {
  double clock_period_ns = 1.0;  ///< host CPU clock (per-access cost of read32/write32)
  unsigned cycles_per_access = 4;
  unsigned irq_lines = 4;        ///< number of interrupt inputs (Host::irq vector size)
  unsigned bus_width_bytes = 8;  ///< bytes per bus transaction of write_block/read_block
};

/// Whole platform (assembled by platforms/).
struct PlatformConfig {
  std::string name = "default";
  std::string description;       ///< one line shown by `cimvp --list-platforms`
  double clock_period_ns = 1.0;  ///< system clock
  double quantum_ns = 1000.0;    ///< global TLM quantum (only the platform sets it)
  std::uint64_t seed = 1;        ///< master seed for every seeded non-ideality
  std::string tech = "sram65";   ///< technology for PPA: built-in name (sram65, sram28, rram) or a file
  bool tech_timing = false;      ///< take the CIM macro's clock, read and MLSA times from `tech`
  PowerGating power_gating = PowerGating::none;  ///< key cim.power_gating: leakage time base of the macro
  MemoryConfig memory;
  HostDmaConfig dma;
  HostConfig host;
  RouterConfig router;
  CimMacroConfig cim;  ///< CIM macro (cim_types.h); instantiated when the address map has target "cim"
};

}  // namespace cimvp
