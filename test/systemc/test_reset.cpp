// reset(): every module back to its state after elaboration, counters kept.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"

#include <tlm>

using namespace cimvp;

namespace {
std::uint32_t dbg_read32(tlm::tlm_target_socket<>& socket, std::uint64_t addr) {
  auto* fw = dynamic_cast<tlm::tlm_fw_transport_if<>*>(socket.get_base_export().get_interface());
  REQUIRE(fw != nullptr);
  unsigned char b[4] = {0, 0, 0, 0};
  tlm::tlm_generic_payload t;
  t.set_command(tlm::TLM_READ_COMMAND);
  t.set_address(addr);
  t.set_data_ptr(b);
  t.set_data_length(4);
  t.set_streaming_width(4);
  t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  REQUIRE(fw->transport_dbg(t) == 4);
  return b[0] | b[1] << 8 | b[2] << 16 | static_cast<std::uint32_t>(b[3]) << 24;
}
}  // namespace

TEST_CASE("Platform reset returns every module to its state after elaboration and keeps the counters",
          "[reset][platform]") {
  const PlatformConfig cfg = load_platform(resolve_platform("default"), {});
  Platform top("top", cfg);
  const std::uint64_t dma_base = 0x40000000, cim_base = 0x50000000;
  top.host.set_program([&](Hal& hal) {
    hal.write32(0x100, 0xDEADBEEF);  // DRAM
    hal.write32(dma_base + dma_reg::SRC_LO, 0x100);
    hal.write32(dma_base + dma_reg::DST_LO, 0x200);
    hal.write32(dma_base + dma_reg::LEN, 4);
    hal.write32(dma_base + dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE);
    hal.write32(dma_base + dma_reg::CTRL, dma_bit::CTRL_START);
    hal.wait_irq(0);
    hal.write32(dma_base + dma_reg::IRQ_STATUS, dma_bit::IRQ_DONE);
    hal.write32(cim_base + cim_reg::BATCH, 17);
    hal.write32(cim_base + cim_reg::DESC_LO, 0x1000);
  });
  sc_core::sc_start();
  REQUIRE(top.host.finished());
  REQUIRE(dbg_read32(top.memory.socket, 0x200) == 0xDEADBEEF);  // the copy happened
  CHECK(top.dma.registers().get(dma_reg::SRC_LO) == 0x100);
  CHECK(top.cim->registers().get(cim_reg::BATCH) == 17);
  const std::uint64_t transfers = top.dma.counters().get("transfers");
  const std::uint64_t writes = top.memory.counters().get("writes");
  REQUIRE(transfers == 1);

  top.reset();
  CHECK(dbg_read32(top.memory.socket, 0x100) == 0);
  CHECK(dbg_read32(top.memory.socket, 0x200) == 0);
  CHECK(top.dma.registers().get(dma_reg::SRC_LO) == 0);
  CHECK(top.dma.registers().get(dma_reg::LEN) == 0);
  CHECK(top.cim->registers().get(cim_reg::BATCH) == 0);
  CHECK(top.cim->registers().get(cim_reg::DESC_LO) == 0);
  CHECK(top.cim->registers().get(cim_reg::ERROR_INFO) == 0xFFFFFFFFu);  // its reset value
  CHECK_FALSE(top.host.finished());
  // counters count the whole run
  CHECK(top.dma.counters().get("transfers") == transfers);
  CHECK(top.memory.counters().get("writes") == writes);
  // the stages are empty again: reading a layer that was never programmed is an error
  CHECK(top.cim->array.subarrays_used() == 0);
}
