#include "cimvp/cim/accumulate/accumulator.h"

#include "cimvp/core/trace_util.h"

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/ppa_area.h"
#include "cimvp/circuit/ppa_energy.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
unsigned ceil_log2(unsigned v) {
  unsigned d = 0;
  while ((1u << d) < v) ++d;
  return d;
}
}  // namespace

Accumulator::Accumulator(sc_core::sc_module_name name, const SubArrayConfig& array, const CimTimingConfig& timing)
    : sc_core::sc_module(name),
      target_export("target_export"),
      accumulations("accumulations", 0),
      array_(array),
      cols_(array.cols),
      t_acc_(timing.accumulate_ns, sc_core::SC_NS),
      t_act_(timing.activation_ns, sc_core::SC_NS) {
  if (cols_ == 0) throw std::invalid_argument(std::string(this->name()) + ": cols must be >= 1");
  target_export.bind(*this);
  c_accumulations_ = counters_.declare("accumulations");
  c_shift_adds_ = counters_.declare("shift_adds");
  c_activations_ = counters_.declare("activations");
  c_vectors_ = counters_.declare("vectors");
  c_layer_passes_ = counters_.declare("layer_passes");
  c_threshold_words_ = counters_.declare("threshold_words");
}

void Accumulator::clear() {
  layers_.clear();
  cur_ = nullptr;
  n_ = 0;
}

void Accumulator::program_layer(unsigned layer, unsigned inputs, unsigned outputs, unsigned row_blocks,
                                unsigned planes, bool last, const std::int32_t* thresholds,
                                const std::uint8_t* flips) {
  if (inputs == 0 || outputs == 0 || row_blocks == 0 || planes == 0)
    throw std::invalid_argument(std::string(name()) + ": layer " + std::to_string(layer) + " has an empty shape");
  if (!last && (thresholds == nullptr || flips == nullptr))
    throw std::invalid_argument(std::string(name()) + ": hidden layer " + std::to_string(layer) +
                                " needs thresholds and flips");
  if (layers_.size() <= layer) layers_.resize(layer + 1);
  Layer& L = layers_[layer];
  L.inputs = inputs;
  L.outputs = outputs;
  L.row_blocks = row_blocks;
  L.planes = planes;
  L.last = last;
  L.threshold2.clear();
  L.flip.clear();
  if (!last) {
    L.threshold2.resize(outputs);
    L.flip.resize(outputs);
    for (unsigned j = 0; j < outputs; ++j) {
      L.threshold2[j] = 2 * std::int64_t{thresholds[j]};
      L.flip[j] = flips[j] ? 1 : 0;
    }
  }
  cur_ = nullptr;
}

void Accumulator::write_thresholds(unsigned layer, const std::int32_t* thresholds) {
  if (layer >= layers_.size() || layers_[layer].outputs == 0 || layers_[layer].last || thresholds == nullptr)
    throw std::invalid_argument(std::string(name()) + ": layer " + std::to_string(layer) +
                                " is not a programmed hidden layer (no thresholds to write)");
  Layer& L = layers_[layer];
  for (unsigned j = 0; j < L.outputs; ++j) L.threshold2[j] = 2 * std::int64_t{thresholds[j]};
  counters_.add(c_threshold_words_, L.outputs);
}

const Accumulator::Layer& Accumulator::programmed(unsigned layer, const char* what) const {
  if (layer >= layers_.size() || layers_[layer].outputs == 0)
    throw std::logic_error(std::string(name()) + ": " + what + ": layer " + std::to_string(layer) +
                           " is not programmed");
  return layers_[layer];
}

void Accumulator::resume(unsigned layer, std::size_t n) {
  cur_ = &programmed(layer, "begin");
  cur_index_ = layer;
  n_ = n;
  const std::size_t size = (std::size_t{cur_->outputs} + cols_ - 1) / cols_ * n * cols_;
  if (blocks_.size() < size) blocks_.resize(size);
  rows_valid_ = false;
}

void Accumulator::begin(unsigned layer, std::size_t n) {
  resume(layer, n);
  std::fill_n(blocks_.begin(), (std::size_t{cur_->outputs} + cols_ - 1) / cols_ * n * cols_, 0);
}

void Accumulator::reserve(std::size_t n) {
  std::size_t blocks = 0;
  for (const Layer& L : layers_) blocks = std::max<std::size_t>(blocks, (std::size_t{L.outputs} + cols_ - 1) / cols_);
  if (blocks_.size() < blocks * n * cols_) blocks_.resize(blocks * n * cols_);
  rows_valid_ = false;
}

void Accumulator::clear_range(unsigned layer, std::size_t n, std::size_t v0, std::size_t v1) {
  const Layer& L = programmed(layer, "clear_range");
  const std::size_t blocks = (std::size_t{L.outputs} + cols_ - 1) / cols_;
  if (v0 > v1 || v1 > n || blocks_.size() < blocks * n * cols_)
    throw std::logic_error(std::string(name()) + ": clear_range of vectors [" + std::to_string(v0) + ", " +
                           std::to_string(v1) + ") of " + std::to_string(n) + " outside the reserved sums");
  for (std::size_t cb = 0; cb < blocks; ++cb)
    std::fill(blocks_.begin() + static_cast<std::ptrdiff_t>((cb * n + v0) * cols_),
              blocks_.begin() + static_cast<std::ptrdiff_t>((cb * n + v1) * cols_), 0);
}

AccumulatorTarget Accumulator::target_of(unsigned layer, std::size_t n, unsigned col_block, unsigned plane) const {
  const Layer& L = programmed(layer, "target");
  if (std::size_t{col_block} * cols_ >= L.outputs || plane >= L.planes)
    throw std::out_of_range(std::string(name()) + ": column block " + std::to_string(col_block) + " / plane " +
                            std::to_string(plane) + " out of range");
  if (blocks_.size() < (std::size_t{col_block} + 1) * n * cols_)
    throw std::logic_error(std::string(name()) + ": target of a tile of " + std::to_string(n) +
                           " vectors outside the reserved sums");
  // the buffer is not resized while a tile is computed (reserve / begin before), so the
  // pointer stays valid for the tile
  return AccumulatorTarget{const_cast<std::int32_t*>(blocks_.data()) + std::size_t{col_block} * n * cols_, cols_,
                           plane};
}

void Accumulator::gather_row(const Layer& L, std::size_t n, std::size_t i, std::int32_t* h) const {
  const std::size_t M = L.outputs;
  for (std::size_t j0 = 0, cb = 0; j0 < M; j0 += cols_, ++cb)
    std::copy_n(blocks_.data() + (cb * n + i) * cols_, std::min<std::size_t>(cols_, M - j0), h + j0);
}

const std::int32_t* Accumulator::sums() const {
  if (cur_ == nullptr) return rows_.data();  // no layer begun since clear(): nothing to view
  if (!rows_valid_) {
    const std::size_t M = cur_->outputs;
    rows_.resize(n_ * M);
    for (std::size_t i = 0; i < n_; ++i) gather_row(*cur_, n_, i, rows_.data() + i * M);
    rows_valid_ = true;
  }
  return rows_.data();
}

AccumulatorTarget Accumulator::target(unsigned col_block, unsigned plane) {
  if (cur_ == nullptr) throw std::logic_error(std::string(name()) + ": target() outside a layer");
  rows_valid_ = false;  // the caller adds into the block
  return target_of(cur_index_, n_, col_block, plane);
}

void Accumulator::accumulated(const ArrayActivity& activity, unsigned plane) {
  counters_.add(c_accumulations_, activity.accumulations);
  if (cur_ != nullptr && activity.array_reads > 0) {
    if (stats_.size() <= cur_index_) stats_.resize(cur_index_ + 1);
    // one read of one sub-array for n vectors: accumulations = n · S · C, reads = n · S
    // (S sensing segments); the sums get n · C adds, the per-column accumulators the rest
    const std::uint64_t tree = activity.accumulations * n_ / activity.array_reads;
    stats_[cur_index_].tree_adds += tree;
    if (tree != activity.accumulations) stats_[cur_index_].column_adds += activity.accumulations;
  }
  if (plane > 0) counters_.add(c_shift_adds_, activity.accumulations);
}

void Accumulator::finish_accounting(sc_core::sc_time& delay) {
  if (cur_ == nullptr) throw std::logic_error(std::string(name()) + ": finish() outside a layer");
  const Layer& L = *cur_;
  const std::size_t n = n_;
  // Pipelined behind the reads: one vector per stage time, then the pipeline drains.
  const sc_core::sc_time stage = L.last ? t_acc_ : std::max(t_acc_, t_act_);
  delay = std::max(delay, stage * static_cast<double>(n));
  delay += t_acc_ * static_cast<double>(1 + ceil_log2(L.row_blocks));
  counters_.add(c_vectors_, n);
  counters_.add(c_layer_passes_);
  if (L.last) return;
  delay += t_act_;
  counters_.add(c_activations_, n * L.outputs);
  if (stats_.size() <= cur_index_) stats_.resize(cur_index_ + 1);
  stats_[cur_index_].activations += n * L.outputs;
}

void Accumulator::finish(Word* out, std::size_t out_stride, unsigned next_rows, sc_core::sc_time& delay) {
  finish_accounting(delay);
  if (!cur_->last) activate_range(cur_index_, n_, 0, n_, out, out_stride, next_rows);
}

void Accumulator::activate_range(unsigned layer, std::size_t n, std::size_t v0, std::size_t v1, Word* out,
                                 std::size_t out_stride, unsigned next_rows) const {
  const Layer& L = programmed(layer, "activate");
  if (L.last) throw std::logic_error(std::string(name()) + ": the last layer has no activations");
  const unsigned M = L.outputs;
  if (next_rows == 0) throw std::invalid_argument(std::string(name()) + ": next_rows must be >= 1");
  const std::size_t w = words_for_bits(next_rows);
  const std::size_t words = cim_blocked_words(M, next_rows);
  if (out_stride < words)
    throw std::invalid_argument(std::string(name()) + ": output stride " + std::to_string(out_stride) +
                                " words < " + std::to_string(words));
  const std::int64_t* t2 = L.threshold2.data();
  const std::uint8_t* flip = L.flip.data();
  std::vector<std::int32_t> row(M);
  for (std::size_t i = v0; i < v1; ++i) {
    gather_row(L, n, i, row.data());
    const std::int32_t* h = row.data();
    Word* o = out + i * out_stride;
    std::fill_n(o, words, Word{0});
    if (next_rows % kWordBits == 0) {  // blocked layout == plain packing
      for (unsigned j0 = 0; j0 < M; j0 += kWordBits) {
        const unsigned e = std::min<unsigned>(M, j0 + kWordBits);
        std::uint8_t fire[kWordBits];  // 0/1 per column, packed eight at a time
        for (unsigned j = j0; j < e; ++j) {
          const std::int64_t d = h[j] - t2[j];
          fire[j - j0] = static_cast<std::uint8_t>(flip[j] ? d <= 0 : d >= 0);
        }
        o[j0 / kWordBits] = pack_bool_bytes(fire, e - j0);
      }
    } else {
      unsigned rb = 0, r = 0;
      for (unsigned j = 0; j < M; ++j) {
        const bool fire = flip[j] ? h[j] <= t2[j] : h[j] >= t2[j];
        o[rb * w + r / kWordBits] |= static_cast<Word>(fire) << (r % kWordBits);
        if (++r == next_rows) {
          r = 0;
          ++rb;
        }
      }
    }
  }
}

unsigned Accumulator::sum_bits(unsigned layer) const {
  if (layer >= layers_.size() || layers_[layer].outputs == 0) return 0;
  const Layer& L = layers_[layer];
  return signed_bits_for(2 * std::uint64_t{L.inputs} * ((std::uint64_t{1} << L.planes) - 1));
}

void Accumulator::price(const TechParams& tech, PpaLedger& ledger) const {
  ledger.set_scope(PpaScope::macro);
  LayerStats total;
  double e_tree = 0, e_col = 0, e_act = 0;
  const double col_add = adder_cost(tech, signed_bits_for(array_.rows)).energy_pj;
  for (std::size_t l = 0; l < stats_.size(); ++l) {
    const unsigned w = sum_bits(static_cast<unsigned>(l));
    const double tree = static_cast<double>(stats_[l].tree_adds) * adder_cost(tech, w).energy_pj;
    const double col = static_cast<double>(stats_[l].column_adds) * col_add;
    const double act = static_cast<double>(stats_[l].activations) * activation_cost(tech, w).energy_pj;
    total.tree_adds += stats_[l].tree_adds;
    total.column_adds += stats_[l].column_adds;
    total.activations += stats_[l].activations;
    e_tree += tree;
    e_col += col;
    e_act += act;
    PpaLayerRow row;
    row.layer = static_cast<unsigned>(l);
    row.energy_pj = tree + col + act;
    if (l < layers_.size()) row.planes = layers_[l].planes;
    ledger.add_layer(row);
  }
  ledger.add_event("accumulate", total.tree_adds, e_tree);
  ledger.add_event("column_accumulate", total.column_adds, e_col);
  ledger.add_event("activation", total.activations, e_act);
  const std::uint64_t words = counters_.get("threshold_words");
  if (words > 0)  // learned thresholds (two-way training): one 32-bit register write per word
    ledger.add_event("threshold_write", words, static_cast<double>(words) * storage_write_energy_pj(tech.reg, 32));
  for (const Layer& L : layers_) {
    if (L.outputs == 0) continue;
    MacroLayerSpec spec;
    spec.inputs = L.inputs;
    spec.outputs = L.outputs;
    spec.rows = array_.rows;
    spec.cols = array_.cols;
    spec.mlsa_bits = 1;
    spec.rows_per_read = array_.access == AccessMode::parallel ? 0
                         : array_.access == AccessMode::row_by_row ? 1
                                                                   : array_.group_rows;
    spec.activation = !L.last;
    // counts from count_macro_resources; the adder tree and threshold units are as wide as
    // the layer's sums (sum_bits), like their energy
    const MacroResources r = count_macro_resources(spec, 1);
    const unsigned w = sum_bits(static_cast<unsigned>(&L - layers_.data()));
    ledger.add_area("accumulator_bits", r.accumulators * r.accumulator_bits, tech.adder_bit.area_um2);
    ledger.add_area("adder_bits", r.adders * w, tech.adder_bit.area_um2);
    ledger.add_area("activation_bits", r.activations * w, tech.activation_bit.area_um2);
  }
}

void Accumulator::publish() { accumulations.write(counters_.get("accumulations")); }

void Accumulator::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, accumulations, *this, "accumulations");
}

}  // namespace cimvp
