// Seeded hardware faults of the macro (docs/circuit.md, "Faults" and "Seeds"): stuck-at
// bitcells and dead column sense amplifiers.  The one definition of the fault maps: the
// ArrayBank applies the stuck cells when it programs a sub-array and the SenseBank the dead
// sense amplifiers when it compiles a sense table, and both the golden reference
// (MappedLayer) and the SystemC stages use those banks, so they model the same faults bit
// for bit.  Layer 1: plain C++17, no SystemC.
//
// Stuck cells of sub-array (rb, cb) of layer `layer`: one 64-bit draw per cell, row-major
// over all R×C cells, from std::mt19937_64(derive_seed(seed, {kStreamStuckCell, layer, rb,
// cb})); the cell is stuck when u < rate, u = the top 53 bits / 2^53 (so a higher rate keeps
// every cell a lower rate made stuck); its value is the draw's lowest bit for `mixed`
// (1: state 1 = weight +1, 0: state 0 = weight −1), else fixed by the mode.  A stuck cell
// stores that weight whatever is programmed; cells outside the layer (padding) are never
// driven nor sensed, so their faults have no effect.
// Dead sense amplifiers of sub-array (rb, cb): one draw per column from
// derive_seed(seed, {kStreamDeadSense, layer, rb, cb}), dead when u < rate; a dead column's
// converter outputs its lowest (`low`) or highest (`high`) level whatever the bit line
// carries.  Not modelled for row_by_row access (digital 1-bit SAs, no converter tables).
#pragma once

#include <cstdint>
#include <vector>

namespace cimvp {

/// Random stream ids (first id of derive_seed) of the fault maps; 1..4 are in sense.h.
constexpr std::uint64_t kStreamStuckCell = 5;
constexpr std::uint64_t kStreamDeadSense = 6;

/// What a stuck cell holds.
enum class StuckMode : std::uint8_t {
  mixed = 0,  ///< each stuck cell at 0 or 1 with probability 1/2 (the draw's lowest bit)
  zero = 1,   ///< every stuck cell at state 0: weight −1
  one = 2,    ///< every stuck cell at state 1: weight +1
};

/// Stuck-at bitcells (array stage, keys cim.array.faults.*).
struct CellFaultConfig {
  double rate = 0.0;                   ///< fraction of cells stuck, [0, 1]; 0 = none
  StuckMode mode = StuckMode::mixed;
  std::uint64_t seed = 1;
  bool any() const { return rate > 0.0; }
  /// Throws std::invalid_argument naming the field and the allowed values.
  void validate() const;
};

/// What a dead sense amplifier outputs.
enum class DeadLevel : std::uint8_t {
  low = 0,   ///< the converter's lowest level (code 0)
  high = 1,  ///< its highest level
};

/// Dead column sense amplifiers (sense stage, keys cim.sense.faults.*).
struct SenseFaultConfig {
  double rate = 0.0;                ///< fraction of column converters dead, [0, 1]; 0 = none
  DeadLevel level = DeadLevel::low;
  std::uint64_t seed = 1;
  bool any() const { return rate > 0.0; }
  void validate() const;
};

/// The stuck cells of sub-array (rb, cb): rows×cols row-major, 0 healthy, +1 stuck at state
/// 1 (weight +1), −1 stuck at state 0 (weight −1).  All zero when rate is 0.
std::vector<std::int8_t> stuck_cells(const CellFaultConfig& f, unsigned rows, unsigned cols, std::uint64_t layer,
                                     unsigned rb, unsigned cb);

/// The dead sense amplifiers of sub-array (rb, cb): one flag per column (1 = dead).
std::vector<std::uint8_t> dead_columns(const SenseFaultConfig& f, unsigned cols, std::uint64_t layer, unsigned rb,
                                       unsigned cb);

const char* to_string(StuckMode m);
const char* to_string(DeadLevel l);

}  // namespace cimvp
