#include "cimvp/cim/sense/sense_stage.h"

#include "cimvp/core/trace_util.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const SubArrayConfig& checked(const SubArrayConfig& array, const SenseConfig& sense, const char* name) {
  array.validate();
  sense.validate();
  if (sense.mux > array.cols)
    throw std::invalid_argument(std::string(name) + ": sense mux " + std::to_string(sense.mux) + ", expected 1.." +
                                std::to_string(array.cols));
  return array;
}
}  // namespace

SenseStage::SenseStage(sc_core::sc_module_name name, const SubArrayConfig& array, const SenseConfig& sense,
                       double decision_ns)
    : sc_core::sc_module(name),
      target_export("target_export"),
      acc_port("acc_port"),
      conversions("conversions", 0),
      array_(checked(array, sense, this->name())),
      sense_(sense),
      t_decision_(decision_ns, sc_core::SC_NS) {
  target_export.bind(*this);
  c_conversions_ = counters_.declare("conversions");
  c_sa_reads_ = counters_.declare("sa_reads");
  c_refs_ = counters_.declare("references_programmed");
  c_tables_ = counters_.declare("tables_programmed");
}

void SenseStage::clear() { layers_.clear(); }

const SenseBank& SenseStage::bank(unsigned layer) const {
  if (layer >= layers_.size() || layers_[layer].empty())
    throw std::logic_error(std::string(name()) + ": layer " + std::to_string(layer) + " is not programmed");
  return layers_[layer];
}

void SenseStage::program_layer(unsigned layer, const std::vector<std::vector<Segment>>& segments, unsigned col_blocks,
                               unsigned planes, InputKind kind, const DriveRange& drive) {
  if (segments.empty() || col_blocks == 0 || planes == 0)
    throw std::invalid_argument(std::string(name()) + ": layer " + std::to_string(layer) + " has an empty shape");
  if (layers_.size() <= layer) layers_.resize(layer + 1);
  if (kind == InputKind::unipolar) unipolar_seen_ = true;
  layers_[layer] = SenseBank(segments, col_blocks, planes, kind, array_.cols, array_.access, sense_, layer, drive);
  counters_.add(c_tables_, layers_[layer].tables_built());
  note_levels(layers_[layer]);
}

void SenseStage::note_levels(const SenseBank& b) {
  for (unsigned rb = 0; rb < b.row_blocks(); ++rb)
    for (unsigned p = 0; p < b.planes(); ++p)
      if (b.usable(rb, p))
        for (const Quantizer& q : b.quantizers(rb, p)) max_levels_ = std::max(max_levels_, q.levels());
}

void SenseStage::program(unsigned layer, unsigned row_block, unsigned plane, std::vector<Quantizer> per_segment) {
  if (layer >= layers_.size() || layers_[layer].empty())
    throw std::invalid_argument("layer " + std::to_string(layer) + " is not declared");
  SenseBank& b = layers_[layer];
  const std::uint64_t before = b.tables_built();
  counters_.add(c_refs_, b.program(row_block, plane, std::move(per_segment)));
  counters_.add(c_tables_, b.tables_built() - before);
  note_levels(b);
}

bool SenseStage::ready(unsigned layer) const { return bank(layer).ready(); }

const std::vector<Quantizer>& SenseStage::quantizers(unsigned layer, unsigned row_block, unsigned plane) const {
  return bank(layer).quantizers(row_block, plane);
}

sc_core::sc_time SenseStage::conversion_time() const {
  const unsigned steps = digital() ? 1 : decisions_per_conversion();
  return t_decision_ * static_cast<double>(std::uint64_t{steps} * sense_.mux);
}

SenseStage::Prepared SenseStage::prepare(const ColumnBatch& b, const AccumulatorTarget& target) const {
  const SenseBank& L = bank(b.layer);
  if (b.array == nullptr || b.row_block >= L.row_blocks() || b.col_block >= L.col_blocks() || b.plane >= L.planes())
    throw std::out_of_range(std::string(name()) + ": column batch outside layer " + std::to_string(b.layer));
  if (!L.usable(b.row_block, b.plane))
    throw std::logic_error(std::string(name()) + ": transfer functions of layer " + std::to_string(b.layer) +
                           " row block " + std::to_string(b.row_block) + " were never programmed");
  return Prepared{L.digital() ? &none_ : &L.table(b.row_block, b.col_block, b.plane),
                  L.noise(b.row_block, b.col_block, b.plane, b.first_vector), target};
}

void SenseStage::evaluate(const ColumnBatch& b, const Prepared& p, std::size_t v0, std::size_t v1, ArrayActivity& a) {
  const AccumulatorTarget& t = p.target;
  ConversionNoise noise = p.noise;
  noise.first_vector += v0;  // noise is keyed by the vector's index in the run
  const Word* x = b.x + v0 * b.x_stride;
  std::int32_t* sums = t.sums + v0 * t.stride;
  if (b.drive != nullptr)
    b.array->accumulate_supported(x, b.x_stride, v1 - v0, b.kind, *b.drive, *p.table, t.shift, sums, t.stride, &a,
                                  &noise);
  else
    b.array->accumulate(x, b.x_stride, v1 - v0, b.kind, *p.table, t.shift, sums, t.stride, &a, &noise);
}

void SenseStage::account(const ColumnBatch& b, const ArrayActivity& a, ArrayActivity& activity,
                         sc_core::sc_time& delay) {
  counters_.add(c_conversions_, a.mlsa_conversions);
  counters_.add(c_sa_reads_, a.sa_reads);
  if (stats_.size() <= b.layer) stats_.resize(b.layer + 1);
  stats_[b.layer].conversions += a.mlsa_conversions;
  stats_[b.layer].sa_reads += a.sa_reads;
  // the columns sharing a converter are converted one after the other
  // (and, with a row DAC, the column groups one read after the other)
  const std::uint64_t groups = b.drive != nullptr ? b.drive->groups() : 1;
  delay += conversion_time() * static_cast<double>(b.n * b.array->segments().size() * groups);
  acc_port->accumulated(a, b.plane);
  activity += a;
}

void SenseStage::convert(const ColumnBatch& b, ArrayActivity& activity, sc_core::sc_time& delay) {
  const Prepared p = prepare(b, acc_port->target(b.col_block, b.plane));
  ArrayActivity a;
  evaluate(b, p, 0, b.n, a);
  account(b, a, activity, delay);
}

void SenseStage::evaluate_range(const ColumnBatch& b, std::size_t v0, std::size_t v1, ArrayActivity& a) const {
  if (v0 > v1 || v1 > b.n)
    throw std::out_of_range(std::string(name()) + ": vectors [" + std::to_string(v0) + ", " + std::to_string(v1) +
                            ") of a batch of " + std::to_string(b.n));
  const Prepared p = prepare(b, acc_port->target_of(b.layer, b.n, b.col_block, b.plane));
  if (v1 > v0) evaluate(b, p, v0, v1, a);
}

void SenseStage::convert_all(const ColumnBatch* batches, std::size_t count, ArrayActivity* activity,
                             sc_core::sc_time* delay) {
  const unsigned T = threads();
  if (T == 1 || count == 0) {
    for (std::size_t i = 0; i < count; ++i) convert(batches[i], activity[i], delay[i]);
    return;
  }
  prepared_.clear();
  for (std::size_t i = 0; i < count; ++i)
    prepared_.push_back(prepare(batches[i], acc_port->target(batches[i].col_block, batches[i].plane)));
  // Pieces per batch: enough tasks for every thread; a row-DAC read counts its DAC events
  // once per call, so it is never split.
  constexpr std::size_t kMinVectors = 16;
  bool splittable = true;
  std::size_t n_max = 0;
  for (std::size_t i = 0; i < count; ++i) {
    splittable = splittable && batches[i].drive == nullptr;
    n_max = std::max(n_max, batches[i].n);
  }
  std::size_t pieces = 1;
  if (splittable && count < T)
    pieces = std::max<std::size_t>(1, std::min<std::size_t>((T + count - 1) / count, n_max / kMinVectors));
  const std::size_t tasks = count * pieces;
  task_activity_.assign(tasks, ArrayActivity{});
  pool_->parallel_for(tasks, [&](std::size_t k) {
    const ColumnBatch& b = batches[k / pieces];
    const std::size_t p = k % pieces;
    const std::size_t v0 = b.n * p / pieces, v1 = b.n * (p + 1) / pieces;
    if (v1 > v0) evaluate(b, prepared_[k / pieces], v0, v1, task_activity_[k]);
  });
  for (std::size_t i = 0; i < count; ++i) {
    ArrayActivity a;
    for (std::size_t p = 0; p < pieces; ++p) a += task_activity_[i * pieces + p];
    account(batches[i], a, activity[i], delay[i]);
  }
}

void SenseStage::price_conversions(PpaLedger& ledger, const char* event, double e_conv, double e_sa) const {
  ledger.set_scope(PpaScope::macro);
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
  ledger.add_event(event, total.conversions, static_cast<double>(total.conversions) * e_conv);
  ledger.add_event("sa_read", total.sa_reads, static_cast<double>(total.sa_reads) * e_sa);
}

std::uint64_t SenseStage::converters_in_use() const {
  const std::uint64_t per_subarray = (array_.cols + sense_.mux - 1) / sense_.mux;
  std::uint64_t n = 0;
  for (const SenseBank& L : layers_)
    if (!L.empty()) n += std::uint64_t{L.row_blocks()} * L.col_blocks() * per_subarray;
  return n;
}

void SenseStage::publish() { conversions.write(counters_.get("conversions") + counters_.get("sa_reads")); }

void SenseStage::trace(sc_core::sc_trace_file* tf) const { trace_member(tf, conversions, *this, "conversions"); }

}  // namespace cimvp
