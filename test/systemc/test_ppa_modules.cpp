// Each platform module prices its own counters (docs/ppa.md, "Pricing in the modules"):
// Memory (DRAM per transaction and per byte), HostDma (bytes moved, DRAM over DMI,
// registers, clock, area), Host (register traffic); leakage integrated over simulated time.
//
// The host program below does a known amount of work; every expected count is derived
// from that program by hand (not read from the counters), then priced with round numbers:
//   dram_access 1000 pJ, dram_byte 10 pJ, dma_byte 2 pJ (engine 5000 µm²), register read
//   0.5 pJ/bit, write 1 pJ/bit, 3 µm²/bit, clock 4 pJ/cycle, leakage 2 nW/µm².
// Program: write32 + read32 of DRAM; a DMA copy of 200 bytes (7 register writes to set it
// up and start it, wait for the irq, 1 STATUS read, 1 IRQ_STATUS write).  DMA: 64-byte
// bursts on an 8-byte bus → bursts of 64, 64, 64, 8 bytes = 8 + 8 + 8 + 1 = 25 beats.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/soc/dma/host_dma.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/ppa.h"

#include <algorithm>
#include <string>

using namespace cimvp;

namespace {

constexpr std::uint64_t kDma = 0x4000'0000;

TechParams round_tech() {
  TechParams t;
  t.node = "round";
  t.dram_access.energy_pj = 1000.0;
  t.dram_byte.energy_pj = 10.0;
  t.dma_byte.energy_pj = 2.0;
  t.dma_byte.area_um2 = 5000.0;
  t.reg.read_energy_pj_per_bit = 0.5;
  t.reg.write_energy_pj_per_bit = 1.0;
  t.reg.area_um2_per_bit = 3.0;
  t.clock_cycle.energy_pj = 4.0;
  t.leakage_nw_per_um2 = 2.0;
  return t;
}

PlatformConfig config(bool dma_dmi) {
  PlatformConfig c = default_platform_config();
  auto& map = c.router.map;
  map.erase(std::remove_if(map.begin(), map.end(), [](const AddressRange& r) { return r.target == "cim"; }),
            map.end());
  c.dma.use_dmi = dma_dmi;
  c.dma.burst_bytes = 64;  // the hand counts below are for 64-byte bursts
  return c;
}

void program(Hal& hal) {
  using namespace dma_reg;
  hal.write32(0x100, 0xdeadbeef);
  (void)hal.read32(0x100);
  hal.write32(kDma + SRC_LO, 0x1000);
  hal.write32(kDma + SRC_HI, 0);
  hal.write32(kDma + DST_LO, 0x2000);
  hal.write32(kDma + DST_HI, 0);
  hal.write32(kDma + LEN, 200);
  hal.write32(kDma + IRQ_ENABLE, dma_bit::IRQ_DONE);
  hal.write32(kDma + CTRL, dma_bit::CTRL_START);
  hal.wait_irq(0);
  (void)hal.read32(kDma + STATUS);
  hal.write32(kDma + IRQ_STATUS, dma_bit::IRQ_DONE);
}

const PpaModuleReport& module(const PpaReport& r, const std::string& name) {
  for (const auto& m : r.modules)
    if (m.module == name) return m;
  FAIL("no priced module " << name);
  return r.modules.front();
}

double energy(const PpaModuleReport& m, const std::string& event) {
  const PpaEventRow* e = m.ledger.event(event);
  if (e == nullptr) FAIL("no event " << event << " in " << m.module);
  return e->energy_pj;
}
std::uint64_t count(const PpaModuleReport& m, const std::string& event) {
  const PpaEventRow* e = m.ledger.event(event);
  if (e == nullptr) FAIL("no event " << event << " in " << m.module);
  return e->count;
}

double now_ns() { return sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_NS); }

}  // namespace

TEST_CASE("ppa: Memory HostDma and Host price their own counters (TLM)", "[ppa][ppa_modules]") {
  Platform top("top", config(false));
  top.host.set_program(program);
  sc_core::sc_start();
  REQUIRE(top.host.finished());
  const TechParams t = round_tech();
  const PpaReport r = make_ppa_report(t, "round", collect_ledgers(t), now_ns(), std::nullopt);

  // hierarchy order; the router prices nothing (the technology has no interconnect event)
  REQUIRE(r.modules.size() == 3);
  CHECK(r.modules[0].module == "top.host");
  CHECK(r.modules[1].module == "top.memory");
  CHECK(r.modules[2].module == "top.dma");

  // Memory: reads 1 (host) + 4 (DMA bursts), writes 1 + 4 → 10 transactions;
  // bytes 4 + 4 + 200 + 200 = 408.  10 · 1000 + 408 · 10 = 14 080 pJ.  Off chip: no area.
  const auto& mem = module(r, "top.memory");
  CHECK(count(mem, "dram_access") == 10);
  CHECK(energy(mem, "dram_access") == Approx(10000.0));
  CHECK(count(mem, "dram_byte") == 408);
  CHECK(energy(mem, "dram_byte") == Approx(4080.0));
  CHECK(mem.area_um2() == 0.0);
  CHECK(mem.leakage_pj == 0.0);

  // HostDma: 200 bytes moved · 2 = 400; no DMI; 1 MMIO read · 32 · 0.5 = 16;
  // 8 MMIO writes · 32 · 1 = 256; clock (25 beats + 9 MMIO accesses) · 4 = 136.
  const auto& dma = module(r, "top.dma");
  CHECK(count(dma, "dma_byte") == 200);
  CHECK(energy(dma, "dma_byte") == Approx(400.0));
  CHECK(count(dma, "dram_access_dmi") == 0);
  CHECK(count(dma, "dram_byte_dmi") == 0);
  CHECK(energy(dma, "register_read") == Approx(16.0));
  CHECK(energy(dma, "register_write") == Approx(256.0));
  CHECK(count(dma, "clock") == 34);
  CHECK(energy(dma, "clock") == Approx(136.0));
  CHECK(dma.dynamic_pj() == Approx(400.0 + 16.0 + 256.0 + 136.0));
  // area: one engine 5000 + 14 registers (docs/registers.md) · 32 bits · 3 µm² = 6344 µm²
  CHECK(dma.area_um2() == Approx(6344.0));

  // Host: loaded 2 words = 64 bits · 1 pJ; stored 9 words = 288 bits · 0.5 pJ
  const auto& host = module(r, "top.host");
  CHECK(energy(host, "register_write") == Approx(64.0));
  CHECK(energy(host, "register_read") == Approx(144.0));
  CHECK(host.area_um2() == 0.0);

  CHECK(r.platform.dynamic_pj == Approx(14080.0 + 808.0 + 208.0));
  CHECK(r.platform.area_um2 == Approx(6344.0));
}

TEST_CASE("ppa: DRAM traffic over DMI is priced by the DMA and the total is unchanged", "[ppa][ppa_modules]") {
  Platform top("top", config(true));
  top.host.set_program(program);
  sc_core::sc_start();
  REQUIRE(top.host.finished());
  const TechParams t = round_tech();
  const PpaReport r = make_ppa_report(t, "round", collect_ledgers(t), now_ns(), std::nullopt);
  // the Memory sees only the host's 2 transactions of 4 bytes
  const auto& mem = module(r, "top.memory");
  CHECK(count(mem, "dram_access") == 2);
  CHECK(count(mem, "dram_byte") == 8);
  // the DMA did 4 DMI reads + 4 DMI writes, 400 bytes
  const auto& dma = module(r, "top.dma");
  CHECK(count(dma, "dram_access_dmi") == 8);
  CHECK(energy(dma, "dram_access_dmi") == Approx(8000.0));
  CHECK(count(dma, "dram_byte_dmi") == 400);
  CHECK(energy(dma, "dram_byte_dmi") == Approx(4000.0));
  // DRAM energy over both modules = the TLM case: 10 transactions, 408 bytes
  const double dram = energy(mem, "dram_access") + energy(mem, "dram_byte") + energy(dma, "dram_access_dmi") +
                      energy(dma, "dram_byte_dmi");
  CHECK(dram == Approx(14080.0));
}

TEST_CASE("ppa: leakage grows with simulated time", "[ppa][ppa_modules]") {
  Platform top("top", config(false));
  top.host.set_program(program);
  sc_core::sc_start();
  const TechParams t = round_tech();
  const double t1 = now_ns();
  REQUIRE(t1 > 0);
  const PpaReport r1 = make_ppa_report(t, "round", collect_ledgers(t), t1, std::nullopt);
  // 2 nW/µm² · 6344 µm² · T ns · 1e-6 pJ
  CHECK(module(r1, "top.dma").leakage_pj == Approx(2.0 * 6344.0 * t1 * 1e-6));

  sc_core::sc_start(sc_core::sc_time(5, sc_core::SC_US));  // idle: only time passes
  const double t2 = now_ns();
  CHECK(t2 == Approx(t1 + 5000.0));
  const PpaReport r2 = make_ppa_report(t, "round", collect_ledgers(t), t2, std::nullopt);
  CHECK(module(r2, "top.dma").leakage_pj == Approx(2.0 * 6344.0 * t2 * 1e-6));
  CHECK(r2.platform.dynamic_pj == Approx(r1.platform.dynamic_pj));  // no new events
  CHECK(r2.platform.leakage_pj / r1.platform.leakage_pj == Approx(t2 / t1));
}
