#include "cimvp/cim/array/array_factory.h"

#include "cimvp/cim/array/rram/rram_array.h"

#include <stdexcept>
#include <string>

namespace cimvp {

std::unique_ptr<BitcellArray> make_array_stage(const char* name, const SubArrayConfig& array,
                                               const CellVariationConfig& cells, double read_ns, double clock_ns,
                                               const TwoWayArrayConfig& two_way) {
  switch (cells.kind) {
    case ArrayKind::sram: return std::make_unique<BitcellArray>(name, array, cells, read_ns, clock_ns, two_way);
    case ArrayKind::rram:
      if (two_way.enabled)
        throw std::invalid_argument("a two-way array is SRAM (Jiang et al. DAC 2020): array kind rram has no "
                                    "transposed read or row write");
      return std::make_unique<RramArray>(name, array, cells, read_ns, clock_ns);
  }
  throw std::invalid_argument("unknown array kind " + std::to_string(static_cast<int>(cells.kind)) +
                              ": expected sram|rram");
}

CellKind array_cell_kind(const SubArrayConfig& array, const CellVariationConfig& cells, bool two_way) {
  if (cells.kind == ArrayKind::rram)
    return cells.rram.device == RramDevice::zero_t_one_r ? CellKind::rram_0t1r : CellKind::rram_1t1r;
  return two_way ? CellKind::sram_8t_twoway : cell_kind_for(array.mode);
}

}  // namespace cimvp
