#include "cimvp/circuit/ppa_tech.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {

constexpr const char* kCellNames[kCellKindCount] = {"sram_6t", "sram_8t", "sram_8t_twoway",
                                                    "rram_1t1r", "rram_0t1r"};

class Checker {
 public:
  explicit Checker(const TechParams& t) : node_(t.node) {}

  [[noreturn]] void fail(const std::string& field, const std::string& expected, double got) const {
    std::ostringstream os;
    os << "tech '" << node_ << "': " << field << ": expected " << expected << ", got " << got;
    throw std::invalid_argument(os.str());
  }
  void positive(const std::string& field, double v) const {
    if (!(std::isfinite(v) && v > 0.0)) fail(field, "a finite number > 0", v);
  }
  void non_negative(const std::string& field, double v) const {
    if (!(std::isfinite(v) && v >= 0.0)) fail(field, "a finite number >= 0", v);
  }
  void cost(const std::string& field, const EventCost& c) const {
    non_negative(field + ".energy_pj", c.energy_pj);
    non_negative(field + ".latency_ns", c.latency_ns);
    non_negative(field + ".area_um2", c.area_um2);
  }
  void converter(const std::string& field, const ConverterTech& c) const {
    const auto bits_ok = [&](const std::string& f, unsigned b) {
      if (b < 1 || b > 16) fail(f, "1..16", b);
    };
    bits_ok(field + ".reference.bits", c.reference.bits);
    cost(field + ".reference", c.reference.cost);
    for (std::size_t i = 0; i < c.points.size(); ++i) {
      const std::string f = field + ".points[" + std::to_string(i) + "]";
      bits_ok(f + ".bits", c.points[i].bits);
      cost(f, c.points[i].cost);
      for (std::size_t j = 0; j < i; ++j)
        if (c.points[j].bits == c.points[i].bits)
          fail(f + ".bits", "a width not listed before", c.points[i].bits);
    }
  }
  void storage(const std::string& field, const StorageTech& s) const {
    non_negative(field + ".read_energy_pj_per_bit", s.read_energy_pj_per_bit);
    non_negative(field + ".write_energy_pj_per_bit", s.write_energy_pj_per_bit);
    non_negative(field + ".read_latency_ns", s.read_latency_ns);
    non_negative(field + ".write_latency_ns", s.write_latency_ns);
    non_negative(field + ".area_um2_per_bit", s.area_um2_per_bit);
  }

 private:
  std::string node_;
};

}  // namespace

const char* to_string(CellKind k) {
  const auto i = static_cast<std::size_t>(k);
  return i < kCellKindCount ? kCellNames[i] : "unknown";
}

std::optional<CellKind> parse_cell_kind(std::string_view name) {
  for (std::size_t i = 0; i < kCellKindCount; ++i)
    if (name == kCellNames[i]) return static_cast<CellKind>(i);
  return std::nullopt;
}

void validate_tech(const TechParams& t) {
  const Checker c(t);
  c.positive("feature_size_nm", t.feature_size_nm);
  c.positive("supply_v", t.supply_v);
  c.positive("clock_period_ns", t.clock_period_ns);
  c.non_negative("transistor_area_um2", t.transistor_area_um2);
  c.non_negative("power_period_ns", t.power_period_ns);
  bool any = false;
  for (std::size_t i = 0; i < kCellKindCount; ++i) {
    const BitcellTech& b = t.bitcells[i];
    if (!b.present) continue;
    any = true;
    const std::string f = std::string("bitcells.") + kCellNames[i];
    if (b.wordlines_per_row < 1 || b.wordlines_per_row > 2)
      c.fail(f + ".wordlines_per_row", "1 or 2", b.wordlines_per_row);
    c.cost(f + ".read", b.read);
    c.positive(f + ".read.area_um2", b.read.area_um2);
    c.cost(f + ".precharge", b.precharge);
    c.cost(f + ".wl_driver", b.wl_driver);
    try {
      validate_geometry(b.geometry, (f + ".geometry").c_str());
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("tech '" + t.node + "': " + e.what());
    }
    c.cost(f + ".cell_write", b.cell_write);
  }
  if (!any) {
    std::ostringstream os;
    os << "tech '" << t.node << "': bitcells: expected at least one cell kind, got none";
    throw std::invalid_argument(os.str());
  }
  c.cost("mlsa.comparator", t.mlsa_comparator);
  c.converter("adc", t.adc);
  c.converter("dac", t.dac);
  c.cost("adder.bit", t.adder_bit);
  c.cost("activation.bit", t.activation_bit);
  c.storage("line_buffer", t.line_buffer);
  c.storage("register", t.reg);
  c.cost("dma.byte", t.dma_byte);
  c.cost("dram.access", t.dram_access);
  c.cost("dram.byte", t.dram_byte);
  c.non_negative("leakage.power_nw_per_um2", t.leakage_nw_per_um2);
  c.cost("clock.cycle", t.clock_cycle);
}

}  // namespace cimvp
