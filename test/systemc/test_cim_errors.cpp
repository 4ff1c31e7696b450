// CimMacro error paths: bad descriptors, tables, batches and addresses end in STATUS.ERROR
// with the documented ERROR_CODE / ERROR_INFO / ERR_ADDR and a SC_REPORT_WARNING, never an
// abort; the macro keeps working afterwards.
#include <catch2/catch.hpp>

#include "sc_test.h"
#include "test_cim_bench.h"

#include <functional>
#include <tlm>

using namespace cimvp;
using namespace cimvp::test;

namespace {

constexpr std::uint32_t kNone = 0xFFFFFFFFu;
constexpr std::size_t kPixels = 100;

std::uint32_t rd(Hal& hal, std::uint32_t off) { return hal.read32(kCimBase + off); }
void wr(Hal& hal, std::uint32_t off, std::uint32_t v) { hal.write32(kCimBase + off, v); }

void put32(std::vector<std::uint8_t>& b, std::size_t at, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get32(const std::vector<std::uint8_t>& b, std::size_t at) {
  return b[at] | b[at + 1] << 8 | b[at + 2] << 16 | static_cast<std::uint32_t>(b[at + 3]) << 24;
}
void put64(std::vector<std::uint8_t>& b, std::size_t at, std::uint64_t v) {
  put32(b, at, static_cast<std::uint32_t>(v));
  put32(b, at + 4, static_cast<std::uint32_t>(v >> 32));
}
std::uint64_t get64(const std::vector<std::uint8_t>& b, std::size_t at) {
  return get32(b, at) | static_cast<std::uint64_t>(get32(b, at + 4)) << 32;
}
constexpr std::size_t desc(unsigned l) { return cim_desc::kHeaderBytes + l * cim_desc::kLayerBytes; }

struct Outcome {
  std::uint32_t status = 0, code = 0, info = 0;
  std::uint64_t addr = 0;
};

/// Waits for the interrupt, reads the error registers and acknowledges everything.
Outcome finish(Hal& hal) {
  hal.wait_irq(1);
  Outcome o;
  o.status = rd(hal, cim_reg::STATUS);
  o.code = rd(hal, cim_reg::ERROR_CODE);
  o.info = rd(hal, cim_reg::ERROR_INFO);
  o.addr = static_cast<std::uint64_t>(rd(hal, cim_reg::ERR_ADDR_HI)) << 32 | rd(hal, cim_reg::ERR_ADDR_LO);
  wr(hal, cim_reg::STATUS, cim_bit::STATUS_DONE | cim_bit::STATUS_ERROR);
  wr(hal, cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  return o;
}

/// Writes `bytes` at kImageBase, points DESC at `desc_addr` and issues LOAD.
Outcome try_load(Hal& hal, const std::vector<std::uint8_t>& bytes, std::uint64_t desc_addr) {
  hal.write_block(kImageBase, bytes.data(), bytes.size());
  wr(hal, cim_reg::IRQ_ENABLE, cim_bit::IRQ_DONE | cim_bit::IRQ_ERROR);
  wr(hal, cim_reg::DESC_LO, static_cast<std::uint32_t>(desc_addr));
  wr(hal, cim_reg::DESC_HI, static_cast<std::uint32_t>(desc_addr >> 32));
  wr(hal, cim_reg::CTRL, cim_bit::CTRL_LOAD);
  return finish(hal);
}

Outcome try_run(Hal& hal, std::uint64_t in, std::uint64_t out, std::uint32_t batch) {
  wr(hal, cim_reg::INPUT_LO, static_cast<std::uint32_t>(in));
  wr(hal, cim_reg::INPUT_HI, static_cast<std::uint32_t>(in >> 32));
  wr(hal, cim_reg::OUTPUT_LO, static_cast<std::uint32_t>(out));
  wr(hal, cim_reg::OUTPUT_HI, static_cast<std::uint32_t>(out >> 32));
  wr(hal, cim_reg::BATCH, batch);
  wr(hal, cim_reg::CTRL, cim_bit::CTRL_START);
  return finish(hal);
}

struct Expect {
  std::string name;
  std::uint32_t code, info;
  std::uint64_t addr;  // checked when != 1 (1 is never a valid error address here)
  Outcome got;
};

void check(const Expect& e) {
  INFO(e.name);
  CHECK((e.got.status & cim_bit::STATUS_ERROR) != 0);
  CHECK((e.got.status & cim_bit::STATUS_BUSY) == 0);
  CHECK(std::string(cim_error_name(e.got.code)) == cim_error_name(e.code));
  CHECK(e.got.info == e.info);
  if (e.addr != 1) CHECK(e.got.addr == e.addr);
}

}  // namespace

TEST_CASE("cim macro reports bad descriptors tables and batches with error codes", "[cim][errors]") {
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US));
  ExpectReport warnings("cimvp/cim_macro", sc_core::SC_WARNING);

  // Linear 3-bit macro (built-in references, no tables needed).
  CimMacroConfig cfg = small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::linear, 3);
  cfg.capacity_subarrays = 64;
  cfg.max_layers = 4;
  cfg.max_width = 512;
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 91);
  const BnnNetwork wide = random_network({100, 500, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 92);
  const std::vector<std::uint8_t> good = build_cim_image(net, kImageBase).bytes;
  const std::vector<std::uint8_t> big = build_cim_image(wide, kImageBase).bytes;
  const auto images = random_images(4, kPixels, 93);
  CimBench b("err_", cfg);

  std::vector<Expect> ex;
  auto mutate = [&](std::function<void(std::vector<std::uint8_t>&)> f) {
    std::vector<std::uint8_t> v = good;
    f(v);
    return v;
  };
  bool ran = false;
  std::string mmio_error;
  std::uint32_t id_after_write = 0, busy_status = 0, busy_code = 0, after_busy_status = 0;
  b.host.set_program([&](Hal& hal) {
    const std::uint64_t w0 = get64(good, desc(0) + cim_desc::WEIGHTS);
    const std::uint64_t w1 = get64(good, desc(1) + cim_desc::WEIGHTS);
    ex.push_back({"bad magic", cim_err::BAD_HEADER, kNone, 1, try_load(hal, mutate([](auto& v) { v[0] ^= 0xFF; }), kImageBase)});
    ex.push_back({"bad version", cim_err::BAD_HEADER, kNone, 1, try_load(hal, mutate([](auto& v) { put32(v, 4, 5); }), kImageBase)});
    ex.push_back({"no layers", cim_err::BAD_HEADER, kNone, 1, try_load(hal, mutate([](auto& v) { put32(v, 8, 0); }), kImageBase)});
    ex.push_back({"too many layers", cim_err::BAD_HEADER, kNone, 1, try_load(hal, mutate([](auto& v) { put32(v, 8, 5); }), kImageBase)});
    ex.push_back({"K = 0", cim_err::BAD_SHAPE, 0, 1, try_load(hal, mutate([](auto& v) { put32(v, desc(0) + cim_desc::K, 0); }), kImageBase)});
    ex.push_back({"M > max_width", cim_err::BAD_SHAPE, 0, 1, try_load(hal, mutate([](auto& v) { put32(v, desc(0) + cim_desc::M, 513); }), kImageBase)});
    ex.push_back({"layers do not chain", cim_err::BAD_SHAPE, 1, 1, try_load(hal, mutate([](auto& v) { put32(v, desc(1) + cim_desc::K, 36); }), kImageBase)});
    // 100-500-10 on 40x16: layer 0 needs 3 x 32 = 96 sub-arrays > 64.
    ex.push_back({"capacity", cim_err::CAPACITY, 0, 1, try_load(hal, big, kImageBase)});
    ex.push_back({"unaligned DESC", cim_err::MISALIGNED, kNone, kImageBase + 4, try_load(hal, good, kImageBase + 4)});
    ex.push_back({"unaligned weights", cim_err::MISALIGNED, 1, w1 + 4,
                  try_load(hal, mutate([&](auto& v) { put64(v, desc(1) + cim_desc::WEIGHTS, w1 + 4); }), kImageBase)});
    ex.push_back({"unmapped weights", cim_err::BUS_ERROR, 0, 0x40000000,
                  try_load(hal, mutate([](auto& v) { put64(v, desc(0) + cim_desc::WEIGHTS, 0x40000000); }), kImageBase)});
    ex.push_back({"weights past the memory end", cim_err::BUS_ERROR, 0, kMemBytes - 8,
                  try_load(hal, mutate([](auto& v) { put64(v, desc(0) + cim_desc::WEIGHTS, kMemBytes - 8); }), kImageBase)});
    ex.push_back({"bad input kind", cim_err::BAD_DESCRIPTOR, 0, 1, try_load(hal, mutate([](auto& v) { v[desc(0) + cim_desc::KIND] = 2; }), kImageBase)});
    ex.push_back({"unipolar later layer on XNOR", cim_err::BAD_DESCRIPTOR, 1, 1, try_load(hal, mutate([](auto& v) { v[desc(1) + cim_desc::KIND] = 0; }), kImageBase)});
    ex.push_back({"planes with binarized pixels", cim_err::BAD_DESCRIPTOR, 0, 1, try_load(hal, mutate([](auto& v) { v[desc(0) + cim_desc::PLANES] = 2; }), kImageBase)});
    ex.push_back({"on-chip input on the first layer", cim_err::BAD_DESCRIPTOR, 0, 1, try_load(hal, mutate([](auto& v) { v[desc(0) + cim_desc::FORMAT] = 3; }), kImageBase)});
    ex.push_back({"LAST flag missing", cim_err::BAD_DESCRIPTOR, 1, 1, try_load(hal, mutate([](auto& v) { v[desc(1) + cim_desc::FLAGS] = 0; }), kImageBase)});
    ex.push_back({"reserved field set", cim_err::BAD_DESCRIPTOR, 0, 1, try_load(hal, mutate([](auto& v) { v[desc(0) + cim_desc::RESERVED1 + 5] = 1; }), kImageBase)});
    ex.push_back({"flip not 0/1", cim_err::BAD_DESCRIPTOR, 0, 1,
                  try_load(hal, mutate([](auto& v) { v[get64(v, desc(0) + cim_desc::FLIPS) - kImageBase + 3] = 7; }), kImageBase)});
    (void)w0;

    // A good load, then bad batches.
    const Outcome ok = try_load(hal, good, kImageBase);
    CHECK(ok.status == (cim_bit::STATUS_DONE | cim_bit::STATUS_LOADED));
    hal.write_block(0x100000, images.data(), images.size());
    ex.push_back({"BATCH 0", cim_err::BAD_BATCH, kNone, 1, try_run(hal, 0x100000, 0x180000, 0)});
    ex.push_back({"unaligned OUTPUT", cim_err::MISALIGNED, kNone, 0x180002, try_run(hal, 0x100000, 0x180002, 4)});
    ex.push_back({"unmapped INPUT", cim_err::BUS_ERROR, 0, 0x40000000, try_run(hal, 0x40000000, 0x180000, 4)});
    ex.push_back({"wrapping batch", cim_err::BAD_BATCH, kNone, 1, try_run(hal, 0xFFFFFFFFFFFFFF00ull, 0x180000, 4)});
    // Still loaded: a good batch runs.
    const Outcome run_ok = try_run(hal, 0x100000, 0x180000, 4);
    CHECK(run_ok.status == (cim_bit::STATUS_DONE | cim_bit::STATUS_LOADED));

    // START while busy: rejected with an error irq; the running batch still completes.
    std::vector<std::uint8_t> many(400 * kPixels, 7);
    hal.write_block(0x200000, many.data(), many.size());
    wr(hal, cim_reg::INPUT_LO, 0x200000);
    wr(hal, cim_reg::BATCH, 400);
    wr(hal, cim_reg::CTRL, cim_bit::CTRL_START);
    wr(hal, cim_reg::CTRL, cim_bit::CTRL_START);
    hal.wait_irq(1);
    busy_status = rd(hal, cim_reg::STATUS);
    busy_code = rd(hal, cim_reg::ERROR_CODE);
    wr(hal, cim_reg::STATUS, cim_bit::STATUS_ERROR);
    wr(hal, cim_reg::IRQ_STATUS, cim_bit::IRQ_ERROR);
    hal.wait_irq(1);
    after_busy_status = rd(hal, cim_reg::STATUS);
    wr(hal, cim_reg::STATUS, cim_bit::STATUS_DONE);
    wr(hal, cim_reg::IRQ_STATUS, cim_bit::IRQ_DONE);

    // MMIO decode errors are TLM errors (BusError in the HAL); read-only registers ignore writes.
    try {
      (void)rd(hal, 0x80);
    } catch (const BusError& e) {
      mmio_error = response_name(e.status());
    }
    wr(hal, cim_reg::ID, 0);
    id_after_write = rd(hal, cim_reg::ID);
    ran = true;
  });
  sc_core::sc_start();
  REQUIRE(ran);
  REQUIRE(b.host.finished());
  CHECK(b.violations() == 0);
  for (const Expect& e : ex) check(e);
  // The errors above plus START_WHILE_BUSY, each one warning.
  CHECK(warnings.count() == static_cast<int>(ex.size()) + 1);
  CHECK((busy_status & cim_bit::STATUS_BUSY) != 0);
  CHECK((busy_status & cim_bit::STATUS_ERROR) != 0);
  CHECK(busy_code == cim_err::START_WHILE_BUSY);
  CHECK((after_busy_status & cim_bit::STATUS_DONE) != 0);
  CHECK((after_busy_status & cim_bit::STATUS_ERROR) == 0);
  CHECK(mmio_error == "TLM_ADDRESS_ERROR_RESPONSE");
  CHECK(id_after_write == cim_id);
  CHECK(b.cim.counters().get("errors") == ex.size() + 1);
}

TEST_CASE("cim macro rejects uncalibrated nonlinear MLSAs bad reference tables and bipolar HBNN inputs",
          "[cim][errors]") {
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US));
  ExpectReport warnings("cimvp/cim_macro", sc_core::SC_WARNING);
  const CimMacroConfig nl = small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 2);
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 95);
  QuantizedNetwork qn(net, nl.mapping());
  const auto calib = random_images(32, kPixels, 96);
  qn.calibrate(calib.data(), 32, kPixels);
  const std::vector<std::uint8_t> with_tables = build_cim_image(net, kImageBase, &qn).bytes;
  const std::vector<std::uint8_t> no_tables = build_cim_image(net, kImageBase).bytes;
  const std::uint64_t t0 = get64(with_tables, desc(0) + cim_desc::MLSA_TABLE);
  const std::uint32_t t0_bytes = get32(with_tables, desc(0) + cim_desc::MLSA_BYTES);
  REQUIRE(t0 != 0);
  // 2-bit MLSA: every entry of layer 0 (40 or 20 bipolar rows) has 4 levels = 4 + 7 × 4 bytes.
  REQUIRE(t0_bytes == 3 * 32);
  CimBench b("nl_", nl);
  CimBench h("hb_", small_macro(40, 16, CellMode::hbnn_6t, AccessMode::parallel, Quantization::linear, 2));
  std::vector<Expect> ex, exh;
  bool ran = false, ranh = false;
  b.host.set_program([&](Hal& hal) {
    auto table = [&](std::function<void(std::vector<std::uint8_t>&)> f) {
      std::vector<std::uint8_t> v = with_tables;
      f(v);
      return v;
    };
    ex.push_back({"no table", cim_err::NOT_CALIBRATED, 0, 1, try_load(hal, no_tables, kImageBase)});
    ex.push_back({"table too short", cim_err::BAD_MLSA_TABLE, 0, 1,
                  try_load(hal, table([&](auto& v) { put32(v, desc(0) + cim_desc::MLSA_BYTES, t0_bytes - 4); }), kImageBase)});
    ex.push_back({"bytes after the table", cim_err::BAD_MLSA_TABLE, 0, t0 + t0_bytes,
                  try_load(hal, table([&](auto& v) { put32(v, desc(0) + cim_desc::MLSA_BYTES, t0_bytes + 4); }), kImageBase)});
    // Row block 0 senses 40 bipolar rows: 41 reachable sums at most.
    ex.push_back({"more levels than reachable sums", cim_err::BAD_MLSA_TABLE, 0, t0,
                  try_load(hal, table([&](auto& v) { put32(v, t0 - kImageBase, 42); }), kImageBase)});
    ex.push_back({"references not ascending", cim_err::BAD_MLSA_TABLE, 0, 1,
                  try_load(hal, table([&](auto& v) {
                    const std::size_t e = t0 - kImageBase;  // L, ref0, ref1, ref2, values...
                    const std::uint32_t r0 = get32(v, e + 4);
                    put32(v, e + 4, get32(v, e + 8));
                    put32(v, e + 8, r0);
                  }), kImageBase)});
    ex.push_back({"unaligned table", cim_err::MISALIGNED, 0, t0 + 2,
                  try_load(hal, table([&](auto& v) { put64(v, desc(0) + cim_desc::MLSA_TABLE, t0 + 2); }), kImageBase)});
    const Outcome ok = try_load(hal, with_tables, kImageBase);
    CHECK(ok.status == (cim_bit::STATUS_DONE | cim_bit::STATUS_LOADED));
    ran = true;
  });
  h.host.set_program([&](Hal& hal) {
    // An XNOR network's first layer takes bipolar inputs: a 6T HBNN array cannot.
    exh.push_back({"bipolar on hbnn", cim_err::BAD_DESCRIPTOR, 0, 1, try_load(hal, no_tables, kImageBase)});
    ranh = true;
  });
  sc_core::sc_start();
  REQUIRE(ran);
  REQUIRE(ranh);
  for (const Expect& e : ex) check(e);
  for (const Expect& e : exh) check(e);
  CHECK(warnings.count() == static_cast<int>(ex.size() + exh.size()));
  CHECK(b.violations() == 0);
  CHECK(h.violations() == 0);
}

TEST_CASE("the driver turns macro errors and mismatched images into CimDriverError", "[cim][errors]") {
  tlm::tlm_global_quantum::instance().set(sc_core::sc_time(1, sc_core::SC_US));
  ExpectReport warnings("cimvp/cim_macro", sc_core::SC_WARNING);
  const CimMacroConfig cfg = small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 3);
  const BnnNetwork net = random_network({100, 37, 10}, CellMode::xnor_8t, InputEncoding::binarized, 8, 97);
  const BnnNetwork hbnn = random_network({100, 37, 10}, CellMode::hbnn_6t, InputEncoding::binarized, 8, 98);
  // Tables made for 2-bit MLSAs do not fit this 3-bit macro.
  QuantizedNetwork qn2(net, small_macro(40, 16, CellMode::xnor_8t, AccessMode::parallel, Quantization::nonlinear, 2).mapping());
  const auto calib = random_images(16, kPixels, 99);
  qn2.calibrate(calib.data(), 16, kPixels);
  const CimNetworkImage wrong_bits = build_cim_image(net, kImageBase, &qn2);
  const CimNetworkImage uncalibrated = build_cim_image(net, kImageBase);
  const CimNetworkImage wrong_mode = build_cim_image(hbnn, kImageBase);
  CimBench b("drv_", cfg);
  std::vector<std::string> errors;
  std::vector<std::uint32_t> codes;
  b.host.set_program([&](Hal& hal) {
    BnnDriver drv(hal, bench_driver(8));
    for (const CimNetworkImage* img : {&wrong_bits, &uncalibrated, &wrong_mode}) {
      try {
        drv.load(*img);
        errors.push_back("");
      } catch (const CimDriverError& e) {
        errors.push_back(e.what());
        codes.push_back(e.code());
      }
    }
    BnnDriverConfig nomacro = bench_driver(8);
    nomacro.macro_base = 0x0;  // memory, not the macro
    BnnDriver lost(hal, nomacro);
    try {
      lost.probe(uncalibrated);
    } catch (const CimDriverError& e) {
      errors.push_back(e.what());
    }
  });
  sc_core::sc_start();
  REQUIRE(errors.size() == 4);
  CHECK_THAT(errors[0], Catch::Contains("sense bits 3 (image 2)"));
  CHECK_THAT(errors[1], Catch::Contains("NOT_CALIBRATED"));
  CHECK_THAT(errors[2], Catch::Contains("hbnn_6t"));
  CHECK_THAT(errors[3], Catch::Contains("no CIM macro"));
  REQUIRE(codes.size() == 3);
  CHECK(codes[1] == cim_err::NOT_CALIBRATED);
  CHECK(warnings.count() == 1);
}
