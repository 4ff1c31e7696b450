#include "cimvp/platform/dma_selftest.h"

#include "cimvp/soc/dma/host_dma.h"

#include <systemc>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

namespace cimvp {

namespace {

/// splitmix64: a tiny generator whose sequence is the same on every platform.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [lo, hi] (modulo bias is negligible for these ranges).
  std::uint64_t in(std::uint64_t lo, std::uint64_t hi) { return lo + next() % (hi - lo + 1); }

 private:
  std::uint64_t s_;
};

std::string hex(std::uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

/// Guard byte i of the destination area before copy number `copy`.
std::uint8_t guard(std::uint64_t i, std::size_t copy) {
  return static_cast<std::uint8_t>((i * 131u + copy * 17u) ^ 0x5Au);
}

}  // namespace

DmaSelfTest::DmaSelfTest(const DmaSelfTestConfig& config, const PlatformConfig& platform)
    : config_(config), seed_(platform.seed) {
  if (config_.copies == 0) throw ConfigError("", "dma_selftest.copies", "must be at least 1");
  if (config_.max_bytes == 0) throw ConfigError("", "dma_selftest.max_bytes", "must be at least 1");
  if (!(config_.progress_s >= 0)) throw ConfigError("", "dma_selftest.progress_s", "must be >= 0");
  const AddressRange* mem = nullptr;
  const AddressRange* dma = nullptr;
  for (const auto& r : platform.router.map) {
    if (r.target == "memory") mem = &r;
    if (r.target == "dma") dma = &r;
  }
  if (mem == nullptr || dma == nullptr)
    throw ConfigError("", "address_map", "the DMA self-test needs targets 'memory' and 'dma' on the bus");
  mem_base_ = mem->base;
  dma_base_ = dma->base;
  // Source and destination areas: room for the longest copy plus slack for odd offsets.
  area_ = (std::max<std::uint64_t>(config_.max_bytes, 1000) + 256 + 63) / 64 * 64;
  const std::uint64_t window = std::min(mem->size, platform.memory.size_bytes);
  if (2 * area_ > window)
    throw ConfigError("", "dma_selftest.max_bytes",
                      "the self-test needs 2 x " + std::to_string(area_) + " bytes of memory, the memory window has " +
                          std::to_string(window));

  SplitMix64 rng(seed_ ^ 0x6A09E667F3BCC908ull);
  source_.resize(area_);
  for (auto& b : source_) b = static_cast<std::uint8_t>(rng.next() >> 56);

  // Fixed edge cases first (odd lengths, odd and equal alignments), then random copies.
  struct Plan {
    std::uint64_t length, src_off, dst_off;
  };
  const Plan fixed[] = {{1, 1, 3}, {3, 5, 2}, {63, 7, 65}, {64, 64, 128}, {65, 1, 9}, {1000, 13, 3}};
  for (unsigned i = 0; i < config_.copies; ++i) {
    Plan p{};
    if (i < std::size(fixed)) {
      p = fixed[i];
      p.length = std::min(p.length, config_.max_bytes);
    } else {
      p.length = rng.in(1, config_.max_bytes);
      p.src_off = rng.in(0, area_ - p.length);
      p.dst_off = rng.in(0, area_ - p.length);
    }
    DmaCopy c;
    c.src = mem_base_ + p.src_off;
    c.dst = mem_base_ + area_ + p.dst_off;
    c.length = p.length;
    copies_.push_back(c);
  }
}

void DmaSelfTest::run(Hal& hal) {
  ran_ = true;
  try {
    const std::uint32_t id = hal.read32(dma_base_ + dma_reg::ID);
    if (id != dma_id) {
      error_ = "no HostDma at " + hex(dma_base_) + ": ID reads " + hex(id) + ", expected " + hex(dma_id);
      return;
    }
    hal.write_block(mem_base_, source_.data(), source_.size());
    using Clock = std::chrono::steady_clock;
    const auto t0 = Clock::now();
    auto last = t0;
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < copies_.size(); ++i) {
      copy_once(hal, copies_[i]);
      bytes += copies_[i].length;
      if (config_.progress_s > 0 && i + 1 < copies_.size()) {
        const auto now = Clock::now();
        if (std::chrono::duration<double>(now - last).count() >= config_.progress_s) {
          last = now;
          std::fprintf(stderr, "cimvp: dma_selftest: %zu/%zu copies (%.0f %%), %llu bytes, %.0f s\n", i + 1,
                       copies_.size(), 100.0 * static_cast<double>(i + 1) / static_cast<double>(copies_.size()),
                       static_cast<unsigned long long>(bytes), std::chrono::duration<double>(now - t0).count());
          std::fflush(stderr);
        }
      }
      std::ostringstream os;
      os << "copy " << i << ": " << copies_[i].length << " bytes " << hex(copies_[i].src) << " -> "
         << hex(copies_[i].dst) << " in " << (copies_[i].irq_ns - copies_[i].start_ns) << " ns: "
         << (copies_[i].ok ? "ok" : "FAILED");
      SC_REPORT_INFO_VERB("cimvp/selftest", os.str().c_str(), sc_core::SC_MEDIUM);
      if (!copies_[i].ok) SC_REPORT_WARNING("cimvp/selftest", os.str().c_str());
    }
  } catch (const std::exception& e) {
    error_ = e.what();
    throw;  // the Host reports it and marks the program failed
  }
}

void DmaSelfTest::copy_once(Hal& hal, DmaCopy& c) {
  const std::size_t index = static_cast<std::size_t>(&c - copies_.data());
  const std::uint64_t dst_area = mem_base_ + area_;
  std::vector<std::uint8_t> image(area_);
  for (std::uint64_t i = 0; i < area_; ++i) image[i] = guard(i, index);
  hal.write_block(dst_area, image.data(), image.size());

  hal.write32(dma_base_ + dma_reg::SRC_LO, static_cast<std::uint32_t>(c.src));
  hal.write32(dma_base_ + dma_reg::SRC_HI, static_cast<std::uint32_t>(c.src >> 32));
  hal.write32(dma_base_ + dma_reg::DST_LO, static_cast<std::uint32_t>(c.dst));
  hal.write32(dma_base_ + dma_reg::DST_HI, static_cast<std::uint32_t>(c.dst >> 32));
  hal.write32(dma_base_ + dma_reg::LEN, static_cast<std::uint32_t>(c.length));
  hal.write32(dma_base_ + dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE | dma_bit::IRQ_ERROR);
  c.start_ns = hal.now() / sc_core::sc_time(1, sc_core::SC_NS);
  hal.write32(dma_base_ + dma_reg::CTRL, dma_bit::CTRL_START);
  hal.wait_irq(0);
  c.irq_ns = hal.now() / sc_core::sc_time(1, sc_core::SC_NS);
  c.status = hal.read32(dma_base_ + dma_reg::STATUS);
  const std::uint32_t pending = hal.read32(dma_base_ + dma_reg::IRQ_STATUS);
  hal.write32(dma_base_ + dma_reg::IRQ_STATUS, pending);  // w1c: drops the irq line
  hal.write32(dma_base_ + dma_reg::STATUS, dma_bit::STATUS_DONE | dma_bit::STATUS_ERROR);

  // expected destination image: guard bytes with the copied source bytes inside
  const std::uint64_t src_off = c.src - mem_base_, dst_off = c.dst - dst_area;
  std::copy_n(source_.begin() + static_cast<std::ptrdiff_t>(src_off), c.length,
              image.begin() + static_cast<std::ptrdiff_t>(dst_off));
  if (index < config_.corrupt_copies) {
    const std::uint8_t wrong = static_cast<std::uint8_t>(~image[dst_off]);
    hal.write_block(c.dst, &wrong, 1);
  }
  std::vector<std::uint8_t> got(area_);
  hal.read_block(dst_area, got.data(), got.size());
  c.mismatches = 0;
  for (std::uint64_t i = 0; i < area_; ++i) c.mismatches += got[i] != image[i];
  c.ok = c.mismatches == 0 && (c.status & dma_bit::STATUS_DONE) != 0 && (c.status & dma_bit::STATUS_ERROR) == 0;
}

bool DmaSelfTest::passed() const {
  return ran_ && error_.empty() &&
         std::all_of(copies_.begin(), copies_.end(), [](const DmaCopy& c) { return c.ok; });
}

std::string DmaSelfTest::summary() const {
  std::uint64_t ok = 0, bytes = 0;
  for (const auto& c : copies_)
    if (c.ok) {
      ++ok;
      bytes += c.length;
    }
  std::string s = std::to_string(ok) + "/" + std::to_string(copies_.size()) + " DMA copies verified (" +
                  std::to_string(bytes) + " bytes)";
  if (!ran_) s += "; the program did not run";
  if (!error_.empty()) s += "; " + error_;
  return s;
}

nlohmann::ordered_json DmaSelfTest::results() const {
  nlohmann::ordered_json j;
  std::uint64_t ok = 0, bytes = 0, wrong = 0;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& c : copies_) {
    ok += c.ok;
    bytes += c.ok ? c.length : 0;
    wrong += c.mismatches;
    nlohmann::ordered_json e;
    e["src"] = c.src;
    e["dst"] = c.dst;
    e["length"] = c.length;
    e["start_ns"] = c.start_ns;
    e["irq_ns"] = c.irq_ns;
    e["status"] = c.status;
    e["mismatches"] = c.mismatches;
    e["ok"] = c.ok;
    list.push_back(std::move(e));
  }
  j["name"] = name();
  j["passed"] = passed();
  j["copies"] = copies_.size();
  j["copies_ok"] = ok;
  j["bytes_verified"] = bytes;
  j["mismatched_bytes"] = wrong;
  j["error"] = error_;
  j["transfers"] = std::move(list);
  return j;
}

}  // namespace cimvp
