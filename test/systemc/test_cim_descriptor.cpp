// CimMacro and the descriptor format versions: a version-1 image (no layer kind) still
// loads and computes the same sums as version 2; a conv or pool layer kind is refused with
// BAD_DESCRIPTOR and the documented message.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {
constexpr std::size_t kPixels = 100;
std::uint32_t rd(Hal& hal, std::uint32_t off) { return hal.read32(kCimBase + off); }
void wr(Hal& hal, std::uint32_t off, std::uint32_t v) { hal.write32(kCimBase + off, v); }

struct Result {
  std::uint32_t status = 0, code = 0, info = 0;
  std::vector<std::uint8_t> sums;
};

/// LOAD `bytes`; when it loads, run 4 vectors and read their sums back.
Result load_and_run(Hal& hal, const std::vector<std::uint8_t>& bytes, std::size_t sum_bytes) {
  Result r;
  hal.write_block(kImageBase, bytes.data(), bytes.size());
  wr(hal, cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  wr(hal, cim_reg::DESC_LO, static_cast<std::uint32_t>(kImageBase));
  wr(hal, cim_reg::DESC_HI, 0);
  wr(hal, cim_reg::CTRL, cim_bit::CTRL_LOAD);
  hal.wait_irq(1);
  r.status = rd(hal, cim_reg::STATUS);
  r.code = rd(hal, cim_reg::ERROR_CODE);
  r.info = rd(hal, cim_reg::ERROR_INFO);
  wr(hal, cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
  wr(hal, cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  if (!(r.status & cim_bit::STATUS_LOADED)) return r;
  wr(hal, cim_reg::INPUT_LO, 0x100000);
  wr(hal, cim_reg::OUTPUT_LO, 0x180000);
  wr(hal, cim_reg::BATCH, 4);
  wr(hal, cim_reg::CTRL, cim_bit::CTRL_START);
  hal.wait_irq(1);
  r.status = rd(hal, cim_reg::STATUS);
  wr(hal, cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
  wr(hal, cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  r.sums.resize(sum_bytes);
  hal.read_block(0x180000, r.sums.data(), r.sums.size());
  return r;
}
}  // namespace

TEST_CASE("cim macro loads version-1 descriptors and refuses conv and pool layers", "[cim][descriptor]") {
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US));
  ExpectReport warnings("cimvp/cim_macro", sc_core::SC_WARNING);
  CimMacroConfig cfg = small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::linear, 3);
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 91);
  std::vector<std::uint8_t> v2 = build_cim_image(net, kImageBase).bytes;
  REQUIRE(v2[4] == 3);  // the toolchain writes version 3 (support section, all 0 here) ...
  v2[4] = 2;            // ... which is a valid version-2 image when no layer has supports
  std::vector<std::uint8_t> v1 = v2, conv = v2, pool = v2;
  v1[4] = 1;
  conv[cim_desc::kHeaderBytes + cim_desc::kLayerBytes + cim_desc::LAYER_KIND] = 1;  // layer 1
  pool[cim_desc::kHeaderBytes + cim_desc::LAYER_KIND] = 2;                          // layer 0
  const auto images = random_images(4, kPixels, 93);
  CimBench b("d_", cfg);
  Result r2, r1, rc, rp;
  bool ran = false;
  b.host.set_program([&](Hal& hal) {
    hal.write_block(0x100000, images.data(), images.size());
    r2 = load_and_run(hal, v2, 4 * 10 * 4);
    r1 = load_and_run(hal, v1, 4 * 10 * 4);
    rc = load_and_run(hal, conv, 0);
    rp = load_and_run(hal, pool, 0);
    ran = true;
  });
  sc_core::sc_start();
  REQUIRE(ran);
  CHECK(r2.status == (cim_bit::STATUS_DONE | cim_bit::STATUS_LOADED));
  CHECK(r1.status == (cim_bit::STATUS_DONE | cim_bit::STATUS_LOADED));
  CHECK(r1.sums == r2.sums);
  CHECK(rc.code == cim_err::BAD_DESCRIPTOR);
  CHECK(rc.info == 1);
  CHECK(rp.code == cim_err::BAD_DESCRIPTOR);
  CHECK(rp.info == 0);
  CHECK(warnings.count() == 2);
  std::vector<std::string> msgs;
  for (const SeenReport& s : seen_reports())
    if (s.msg_type == "cimvp/cim_macro") msgs.push_back(s.msg);
  REQUIRE(msgs.size() >= 2);
  CHECK_THAT(msgs[msgs.size() - 2], Catch::Contains("BAD_DESCRIPTOR (layer 1): layer kind conv in a version 2 image"));
  CHECK_THAT(msgs.back(), Catch::Contains("BAD_DESCRIPTOR (layer 0): layer kind pool: stand-alone pool layers are not supported"));
  CHECK(b.violations() == 0);
}
