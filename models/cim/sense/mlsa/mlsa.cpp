#include "cimvp/cim/sense/mlsa/mlsa.h"

#include "cimvp/core/trace_util.h"

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/circuit/random.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

Mlsa::Mlsa(sc_core::sc_module_name name, const SubArrayConfig& array, const MlsaConfig& mlsa,
           const CimTimingConfig& timing, unsigned sense_mux)
    : sc_core::sc_module(name),
      target_export("target_export"),
      acc_port("acc_port"),
      conversions("conversions", 0),
      array_(array),
      mlsa_(mlsa),
      t_sense_(timing.mlsa_ns, sc_core::SC_NS),
      mux_(sense_mux) {
  array_.validate();
  mlsa_.validate();
  if (mux_ < 1 || mux_ > array_.cols)
    throw std::invalid_argument(std::string(this->name()) + ": sense_mux " + std::to_string(mux_) + ", expected 1.." +
                                std::to_string(array_.cols));
  target_export.bind(*this);
  c_conversions_ = counters_.declare("conversions");
  c_sa_reads_ = counters_.declare("sa_reads");
  c_refs_ = counters_.declare("references_programmed");
  c_tables_ = counters_.declare("tables_programmed");
}

unsigned Mlsa::comparators() const {
  return mlsa_.quantization == Quantization::ideal ? cim_mlsa_table::kMaxLevels - 1 : (1u << mlsa_.bits) - 1;
}

void Mlsa::clear() { layers_.clear(); }

const Mlsa::Layer& Mlsa::layer_at(unsigned layer) const {
  if (layer >= layers_.size() || layers_[layer].row_blocks == 0)
    throw std::logic_error(std::string(name()) + ": layer " + std::to_string(layer) + " is not programmed");
  return layers_[layer];
}

void Mlsa::program_layer(unsigned layer, const std::vector<std::vector<Segment>>& segments, unsigned col_blocks,
                         unsigned planes, InputKind kind) {
  if (segments.empty() || col_blocks == 0 || planes == 0)
    throw std::invalid_argument(std::string(name()) + ": layer " + std::to_string(layer) + " has an empty shape");
  if (layers_.size() <= layer) layers_.resize(layer + 1);
  Layer& L = layers_[layer];
  L = Layer{};
  L.row_blocks = static_cast<unsigned>(segments.size());
  L.col_blocks = col_blocks;
  L.planes = planes;
  L.kind = kind;
  L.segments = segments;
  const bool digital = array_.access == AccessMode::row_by_row;
  const bool nonlinear = mlsa_.quantization == Quantization::nonlinear;
  L.nominal.resize(std::size_t{L.row_blocks} * planes);
  L.usable.assign(L.nominal.size(), (digital || !nonlinear) ? 1 : 0);
  for (unsigned rb = 0; rb < L.row_blocks; ++rb)
    for (unsigned p = 0; p < planes; ++p)
      for (const Segment& s : segments[rb]) {
        const PsRange r = PsRange::of(s.rows, kind);
        L.nominal[std::size_t{rb} * planes + p].push_back(
            mlsa_.quantization == Quantization::ideal ? Quantizer::ideal(r) : Quantizer::linear(r, mlsa_.bits));
      }
  const bool offset = mlsa_.offset_sigma > 0.0 && mlsa_.quantization != Quantization::ideal && !digital;
  L.offsets.reserve(std::size_t{L.row_blocks} * col_blocks);
  for (unsigned rb = 0; rb < L.row_blocks; ++rb)
    for (unsigned cb = 0; cb < col_blocks; ++cb)
      L.offsets.push_back(offset ? MlsaOffsets(array_.cols, (1u << mlsa_.bits) - 1, mlsa_.offset_sigma,
                                               derive_seed(mlsa_.seed, {kSeedPurposeMlsaOffset, layer, rb, cb}))
                                 : MlsaOffsets());
  if (digital) return;  // no MLSA in row_by_row access
  L.tables.resize(std::size_t{L.row_blocks} * col_blocks * planes);
  for (unsigned rb = 0; rb < L.row_blocks; ++rb)
    for (unsigned p = 0; p < planes; ++p) build_tables(L, rb, p);
}

void Mlsa::build_tables(Layer& L, unsigned rb, unsigned p) {
  const auto& q = L.nominal[std::size_t{rb} * L.planes + p];
  for (unsigned cb = 0; cb < L.col_blocks; ++cb) {
    L.tables[(std::size_t{rb} * L.col_blocks + cb) * L.planes + p] =
        SenseTable(q, array_.cols, L.offsets[std::size_t{rb} * L.col_blocks + cb]);
    counters_.add(c_tables_);
  }
}

void Mlsa::program(unsigned layer, unsigned row_block, unsigned plane, std::vector<Quantizer> per_segment) {
  if (layer >= layers_.size() || layers_[layer].row_blocks == 0)
    throw std::invalid_argument("layer " + std::to_string(layer) + " is not declared");
  Layer& L = layers_[layer];
  if (row_block >= L.row_blocks || plane >= L.planes)
    throw std::invalid_argument("row block " + std::to_string(row_block) + " / plane " + std::to_string(plane) +
                                " out of range (" + std::to_string(L.row_blocks) + " row blocks, " +
                                std::to_string(L.planes) + " planes)");
  const auto& segs = L.segments[row_block];
  if (per_segment.size() != segs.size())
    throw std::invalid_argument(std::to_string(per_segment.size()) + " transfer functions for " +
                                std::to_string(segs.size()) + " sensing segments");
  std::uint64_t refs = 0;
  for (std::size_t s = 0; s < segs.size(); ++s) {
    const Quantizer& q = per_segment[s];
    if (!(q.range() == PsRange::of(segs[s].rows, L.kind)))
      throw std::invalid_argument("segment " + std::to_string(s) + ": transfer function range does not match " +
                                  std::to_string(segs[s].rows) + " " + to_string(L.kind) + " rows");
    if (q.references().size() > comparators())
      throw std::invalid_argument("segment " + std::to_string(s) + ": " + std::to_string(q.references().size()) +
                                  " references, the MLSA has " + std::to_string(comparators()) + " comparators");
    refs += q.references().size();
  }
  L.nominal[std::size_t{row_block} * L.planes + plane] = std::move(per_segment);
  L.usable[std::size_t{row_block} * L.planes + plane] = 1;
  counters_.add(c_refs_, refs);
  if (array_.access != AccessMode::row_by_row) build_tables(L, row_block, plane);
}

bool Mlsa::ready(unsigned layer) const {
  const Layer& L = layer_at(layer);
  return std::all_of(L.usable.begin(), L.usable.end(), [](std::uint8_t u) { return u != 0; });
}

const std::vector<Quantizer>& Mlsa::quantizers(unsigned layer, unsigned row_block, unsigned plane) const {
  const Layer& L = layer_at(layer);
  if (row_block >= L.row_blocks || plane >= L.planes)
    throw std::out_of_range(std::string(name()) + ": row block / plane out of range");
  return L.nominal[std::size_t{row_block} * L.planes + plane];
}

void Mlsa::convert(const ColumnBatch& b, ArrayActivity& activity, sc_core::sc_time& delay) {
  const Layer& L = layer_at(b.layer);
  if (b.array == nullptr || b.row_block >= L.row_blocks || b.col_block >= L.col_blocks || b.plane >= L.planes)
    throw std::out_of_range(std::string(name()) + ": column batch outside layer " + std::to_string(b.layer));
  const bool digital = array_.access == AccessMode::row_by_row;
  if (!L.usable[std::size_t{b.row_block} * L.planes + b.plane])
    throw std::logic_error(std::string(name()) + ": nonlinear references of layer " + std::to_string(b.layer) +
                           " row block " + std::to_string(b.row_block) + " were never programmed");
  const SenseTable& table =
      digital ? none_ : L.tables[(std::size_t{b.row_block} * L.col_blocks + b.col_block) * L.planes + b.plane];
  const AccumulatorTarget t = acc_port->target(b.col_block, b.plane);
  ArrayActivity a;
  b.array->accumulate(b.x, b.x_stride, b.n, b.kind, table, t.shift, t.sums, t.stride, &a);
  counters_.add(c_conversions_, a.mlsa_conversions);
  counters_.add(c_sa_reads_, a.sa_reads);
  if (stats_.size() <= b.layer) stats_.resize(b.layer + 1);
  stats_[b.layer].conversions += a.mlsa_conversions;
  stats_[b.layer].sa_reads += a.sa_reads;
  // the columns sharing a sense amplifier are converted one after the other
  delay += t_sense_ * static_cast<double>(b.n * b.array->segments().size() * mux_);
  acc_port->accumulated(a);
  activity += a;
}

unsigned Mlsa::priced_bits() const {
  if (mlsa_.quantization != Quantization::ideal) return mlsa_.bits;
  const unsigned rows = array_.access == AccessMode::group ? array_.group_rows : array_.rows;
  unsigned b = 1;
  while (((1u << b) - 1) < rows && b < 16) ++b;  // 2^b − 1 comparators resolve rows + 1 levels
  return b;
}

void Mlsa::price(const TechParams& tech, PpaLedger& ledger) const {
  ledger.set_scope(PpaScope::macro);
  const bool digital = array_.access == AccessMode::row_by_row;
  const unsigned bits = digital ? 1 : priced_bits();
  const double e_conv = mlsa_conversion_energy_pj(tech, bits), e_sa = mlsa_conversion_energy_pj(tech, 1);
  LayerStats total;
  for (std::size_t l = 0; l < stats_.size(); ++l) {
    total.conversions += stats_[l].conversions;
    total.sa_reads += stats_[l].sa_reads;
    PpaLayerRow row;
    row.layer = static_cast<unsigned>(l);
    row.conversions = stats_[l].conversions + stats_[l].sa_reads;
    row.energy_pj = static_cast<double>(stats_[l].conversions) * e_conv + static_cast<double>(stats_[l].sa_reads) * e_sa;
    ledger.add_layer(row);
  }
  ledger.add_event("mlsa_conversion", total.conversions, static_cast<double>(total.conversions) * e_conv);
  ledger.add_event("sa_read", total.sa_reads, static_cast<double>(total.sa_reads) * e_sa);
  // ⌈C/mux⌉ sense amplifiers per sub-array of the loaded network (ppa_area.h)
  const std::uint64_t amps_per_subarray = (array_.cols + mux_ - 1) / mux_;
  for (const Layer& L : layers_) {
    if (L.row_blocks == 0) continue;
    const std::uint64_t amps = std::uint64_t{L.row_blocks} * L.col_blocks * amps_per_subarray;
    ledger.add_area("comparators", amps * mlsa_comparators(bits), tech.mlsa_comparator.area_um2);
  }
}

void Mlsa::publish() { conversions.write(counters_.get("conversions") + counters_.get("sa_reads")); }

void Mlsa::trace(sc_core::sc_trace_file* tf) const { trace_member(tf, conversions, *this, "conversions"); }

}  // namespace cimvp
