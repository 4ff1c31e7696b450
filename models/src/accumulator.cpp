#include "cimvp/accumulator.h"

#include "cimvp/trace_util.h"

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

Accumulator::Accumulator(sc_core::sc_module_name name, unsigned cols, const CimTimingConfig& timing)
    : sc_core::sc_module(name),
      target_export("target_export"),
      accumulations("accumulations", 0),
      cols_(cols),
      t_acc_(timing.accumulate_ns, sc_core::SC_NS),
      t_act_(timing.activation_ns, sc_core::SC_NS) {
  if (cols_ == 0) throw std::invalid_argument(std::string(this->name()) + ": cols must be >= 1");
  target_export.bind(*this);
  c_accumulations_ = counters_.declare("accumulations");
  c_shift_adds_ = counters_.declare("shift_adds");
  c_activations_ = counters_.declare("activations");
  c_vectors_ = counters_.declare("vectors");
  c_layer_passes_ = counters_.declare("layer_passes");
}

void Accumulator::clear() {
  layers_.clear();
  cur_ = nullptr;
  n_ = 0;
}

void Accumulator::program_layer(unsigned layer, unsigned outputs, unsigned row_blocks, unsigned planes, bool last,
                                const std::int32_t* thresholds, const std::uint8_t* flips) {
  if (outputs == 0 || row_blocks == 0 || planes == 0)
    throw std::invalid_argument(std::string(name()) + ": layer " + std::to_string(layer) + " has an empty shape");
  if (!last && (thresholds == nullptr || flips == nullptr))
    throw std::invalid_argument(std::string(name()) + ": hidden layer " + std::to_string(layer) +
                                " needs thresholds and flips");
  if (layers_.size() <= layer) layers_.resize(layer + 1);
  Layer& L = layers_[layer];
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

void Accumulator::begin(unsigned layer, std::size_t n) {
  if (layer >= layers_.size() || layers_[layer].outputs == 0)
    throw std::logic_error(std::string(name()) + ": layer " + std::to_string(layer) + " is not programmed");
  cur_ = &layers_[layer];
  n_ = n;
  const std::size_t M = cur_->outputs;
  if (sums_.size() < n * M) sums_.resize(n * M);
  std::fill_n(sums_.begin(), n * M, 0);
}

AccumulatorTarget Accumulator::target(unsigned col_block, unsigned plane) {
  if (cur_ == nullptr) throw std::logic_error(std::string(name()) + ": target() outside a layer");
  if (std::size_t{col_block} * cols_ >= cur_->outputs || plane >= cur_->planes)
    throw std::out_of_range(std::string(name()) + ": column block " + std::to_string(col_block) + " / plane " +
                            std::to_string(plane) + " out of range");
  shift_plane_ = plane;
  return AccumulatorTarget{sums_.data() + std::size_t{col_block} * cols_, cur_->outputs, plane};
}

void Accumulator::accumulated(const ArrayActivity& activity) {
  counters_.add(c_accumulations_, activity.accumulations);
  if (shift_plane_ > 0) counters_.add(c_shift_adds_, activity.accumulations);
}

void Accumulator::finish(Word* out, std::size_t out_stride, unsigned next_rows, sc_core::sc_time& delay) {
  if (cur_ == nullptr) throw std::logic_error(std::string(name()) + ": finish() outside a layer");
  const Layer& L = *cur_;
  const std::size_t n = n_;
  delay += t_acc_ * static_cast<double>((1 + ceil_log2(L.row_blocks)) * n);
  counters_.add(c_vectors_, n);
  counters_.add(c_layer_passes_);
  if (L.last) return;
  delay += t_act_ * static_cast<double>(n);
  counters_.add(c_activations_, n * L.outputs);

  const unsigned M = L.outputs;
  if (next_rows == 0) throw std::invalid_argument(std::string(name()) + ": next_rows must be >= 1");
  const std::size_t w = words_for_bits(next_rows);
  const std::size_t words = cim_blocked_words(M, next_rows);
  if (out_stride < words)
    throw std::invalid_argument(std::string(name()) + ": output stride " + std::to_string(out_stride) +
                                " words < " + std::to_string(words));
  const std::int64_t* t2 = L.threshold2.data();
  const std::uint8_t* flip = L.flip.data();
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* h = sums_.data() + i * M;
    Word* o = out + i * out_stride;
    std::fill_n(o, words, Word{0});
    if (next_rows % kWordBits == 0) {  // blocked layout == plain packing
      for (unsigned j0 = 0; j0 < M; j0 += kWordBits) {
        const unsigned e = std::min<unsigned>(M, j0 + kWordBits);
        Word v = 0;
        for (unsigned j = j0; j < e; ++j) {
          const bool ge = h[j] >= t2[j], le = h[j] <= t2[j];
          v |= static_cast<Word>(flip[j] ? le : ge) << (j - j0);
        }
        o[j0 / kWordBits] = v;
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

void Accumulator::publish() { accumulations.write(counters_.get("accumulations")); }

void Accumulator::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, accumulations, *this, "accumulations");
}

}  // namespace cimvp
