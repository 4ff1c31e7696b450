// The default job until a CIM workload exists: a DMA/memory self-test that exercises the
// whole platform (Host → Router → Memory / HostDma → Router → Memory, interrupt line 0).
//
// For each copy: the host fills a destination area with a guard pattern (write_block),
// programs the DMA (SRC, DST, LEN, IRQ_ENABLE, CTRL.START), waits for interrupt line 0,
// checks STATUS (DONE set, ERROR clear) and clears DONE/IRQ_STATUS, then reads the whole
// destination area back (read_block) and compares it byte for byte with the expected
// image: the copied bytes inside, the guard pattern around them.  The source area is
// filled once with a pattern drawn from the seed.  corrupt_copies > 0 makes the host
// overwrite one copied byte before the read-back, to prove that a bad copy is caught.
// A long run prints a progress line on stderr every progress_s seconds of wall time
// ("cimvp: dma_selftest: 120/1000 copies (12 %), 1006632960 bytes, 10 s"); stdout and the
// report do not depend on it.
#pragma once

#include "cimvp/config.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/job.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

struct DmaSelfTestConfig {
  unsigned copies = 8;            ///< DMA copies (the first six are fixed edge cases)
  std::uint64_t max_bytes = 4096; ///< longest copy; random copies are 1 .. max_bytes long
  unsigned corrupt_copies = 0;    ///< overwrite one copied byte in the first n copies (checks the checker)
  double progress_s = 10;         ///< wall seconds between progress lines on stderr (0 = none)
};

/// One planned and checked copy.
struct DmaCopy {
  std::uint64_t src = 0, dst = 0, length = 0;  ///< bus addresses and byte count
  double start_ns = 0, irq_ns = 0;             ///< host-local time at START and at the irq
  std::uint32_t status = 0;                    ///< STATUS read after the irq
  std::uint64_t mismatches = 0;                ///< wrong bytes in the destination area
  bool ok = false;
};

class DmaSelfTest : public Job {
 public:
  /// Addresses come from the address map of `platform` (targets "memory" and "dma"); the
  /// pattern and the random copies from platform.seed.  Throws ConfigError when the memory
  /// window cannot hold the source and destination areas.
  DmaSelfTest(const DmaSelfTestConfig& config, const PlatformConfig& platform);

  std::string name() const override { return "dma_selftest"; }
  void run(Hal& hal) override;
  bool passed() const override;
  std::string summary() const override;
  nlohmann::ordered_json results() const override;

  const std::vector<DmaCopy>& copies() const { return copies_; }
  /// Set when the program stopped early (no DMA found, bus error, ...).
  const std::string& error() const { return error_; }

 private:
  void copy_once(Hal& hal, DmaCopy& c);

  DmaSelfTestConfig config_;
  std::uint64_t seed_;
  std::uint64_t mem_base_ = 0, dma_base_ = 0;
  std::uint64_t area_ = 0;           ///< bytes of the source area and of the destination area
  std::vector<std::uint8_t> source_;  ///< source area contents
  std::vector<DmaCopy> copies_;
  bool ran_ = false;
  std::string error_;
};

}  // namespace cimvp
