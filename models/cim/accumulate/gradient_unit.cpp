#include "cimvp/cim/accumulate/gradient_unit.h"

#include "cimvp/circuit/ppa_energy.h"

#include <stdexcept>

namespace cimvp {

GradientUnit::GradientUnit(sc_core::sc_module_name name, unsigned lanes, double clock_period_ns)
    : sc_core::sc_module(name), lanes_(lanes), clock_(clock_period_ns, sc_core::SC_NS) {
  if (lanes == 0) throw std::invalid_argument(std::string(this->name()) + ": gradient lanes must be >= 1");
  if (!(clock_period_ns > 0)) throw std::invalid_argument(std::string(this->name()) + ": clock period must be > 0");
  c_macs_ = counters_.declare("gradient_macs");
  c_adder_bits_ = counters_.declare("gradient_adder_bits");
  c_tiles_ = counters_.declare("gradient_tiles");
  c_cycles_ = counters_.declare("gradient_cycles");
}

void GradientUnit::accumulate(const std::int32_t* e, unsigned M, unsigned j0, unsigned rows, const std::int16_t* x,
                              unsigned K, std::size_t n, unsigned x_bits, unsigned error_bits, std::int64_t* acc,
                              sc_core::sc_time& delay) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* ei = e + i * M + j0;
    const std::int16_t* xi = x + i * K;
    for (unsigned r = 0; r < rows; ++r) {
      const std::int64_t ev = ei[r];
      if (ev == 0) continue;  // the products are 0 (the lanes still spend their cycles)
      std::int64_t* a = acc + std::size_t{r} * K;
      for (unsigned k = 0; k < K; ++k) a[k] += ev * xi[k];
    }
  }
  const std::uint64_t macs = std::uint64_t{n} * rows * K;
  const std::uint64_t cycles = (macs + lanes_ - 1) / lanes_;
  const std::uint64_t bits_per_mac = (x_bits > 1 ? std::uint64_t{error_bits} * x_bits : 0) + kAccumulatorBits;
  counters_.add(c_macs_, macs);
  counters_.add(c_adder_bits_, macs * bits_per_mac);
  counters_.add(c_tiles_);
  counters_.add(c_cycles_, cycles);
  delay += clock_ * static_cast<double>(cycles);
}

void GradientUnit::price(const TechParams& tech, PpaLedger& ledger) const {
  ledger.set_scope(PpaScope::macro);
  const std::uint64_t bits = counters_.get("gradient_adder_bits");
  ledger.add_event("gradient_mac", counters_.get("gradient_macs"),
                   static_cast<double>(bits) * tech.adder_bit.energy_pj);
  ledger.add_area("gradient_lanes", std::uint64_t{lanes_} * (8 * 8 + kAccumulatorBits), tech.adder_bit.area_um2);
}

}  // namespace cimvp
