#include "cimvp/cim/array/sram/bitcell_array.h"

#include "cimvp/core/trace_util.h"

#include "cimvp/circuit/ppa_area.h"
#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/circuit/random.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cimvp {

void TwoWayArrayConfig::validate() const {
  if (!enabled) return;
  sense.validate();
  if (!(transposed_read_ns >= 0.0) || !std::isfinite(transposed_read_ns))
    throw std::invalid_argument("TwoWayArrayConfig.transposed_read_ns: expected a finite value >= 0 (ns)");
  if (!(row_write_ns >= 0.0) || !std::isfinite(row_write_ns))
    throw std::invalid_argument("TwoWayArrayConfig.row_write_ns: expected a finite value >= 0 (ns)");
}

BitcellArray::BitcellArray(sc_core::sc_module_name name, const SubArrayConfig& array,
                           const CellVariationConfig& cells, double read_ns, double clock_ns,
                           const TwoWayArrayConfig& two_way)
    : sc_core::sc_module(name),
      target_export("target_export"),
      sense_port("sense_port"),
      drive_port("drive_port"),
      wordline_activations("wordline_activations", 0),
      array_reads("array_reads", 0),
      array_(array),
      cells_(cells),
      t_read_(read_ns, sc_core::SC_NS),
      clock_ns_(clock_ns),
      two_way_(two_way) {
  array_.validate();
  cells_.validate();
  two_way_.validate();
  target_export.bind(*this);
  c_reads_ = counters_.declare("array_reads");
  c_wordlines_ = counters_.declare("wordline_activations");
  c_macs_ = counters_.declare("binary_macs");
  c_cells_ = counters_.declare("cells_programmed");
  c_row_writes_ = counters_.declare("row_writes");
  c_cell_reads_ = counters_.declare("cell_reads");
  c_precharges_ = counters_.declare("precharges");
  c_t_reads_ = counters_.declare("transposed_reads");
  c_t_drives_ = counters_.declare("column_drives");
  c_t_conv_ = counters_.declare("transposed_conversions");
  c_t_macs_ = counters_.declare("transposed_macs");
  c_t_cell_reads_ = counters_.declare("transposed_cell_reads");
  c_update_rows_ = counters_.declare("update_rows");
  c_cells_written_ = counters_.declare("cells_written");
  c_cells_changed_ = counters_.declare("cells_changed");
}

std::uint64_t BitcellArray::cycles_per_read() const {
  if (!(clock_ns_ > 0)) return 1;
  const double ns = (t_read_ + sense_port->conversion_time()) / sc_core::sc_time(1, sc_core::SC_NS);
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(ns / clock_ns_ - 1e-9)));
}

std::uint64_t BitcellArray::subarrays_for(std::uint64_t inputs, std::uint64_t outputs) const {
  return ((inputs + array_.rows - 1) / array_.rows) * ((outputs + array_.cols - 1) / array_.cols);
}

std::uint64_t BitcellArray::subarrays_used() const {
  std::uint64_t n = 0;
  for (const ArrayBank& L : layers_) n += std::uint64_t{L.row_blocks()} * L.col_blocks();
  return n;
}

void BitcellArray::clear() {
  layers_.clear();
  transposed_.clear();
}

const ArrayBank& BitcellArray::layer_at(unsigned layer) const {
  if (layer >= layers_.size() || layers_[layer].empty())
    throw std::logic_error(std::string(name()) + ": layer " + std::to_string(layer) + " is not programmed");
  return layers_[layer];
}

const SubArray& BitcellArray::sub_array(unsigned layer, unsigned row_block, unsigned col_block) const {
  const ArrayBank& L = layer_at(layer);
  if (row_block >= L.row_blocks() || col_block >= L.col_blocks())
    throw std::out_of_range(std::string(name()) + ": sub-array out of range");
  return L.sub_array(row_block, col_block);
}

void BitcellArray::program_layer(unsigned layer, unsigned inputs, unsigned outputs, InputKind kind,
                                 const std::int8_t* weights) {
  if (inputs == 0 || outputs == 0)
    throw std::invalid_argument("layer " + std::to_string(layer) + ": shape must be at least 1x1");
  ArrayBank bank(inputs, outputs, weights, kind, array_, cells_, layer);
  std::uint64_t cells = 0, rows = 0;
  for (unsigned rb = 0; rb < bank.row_blocks(); ++rb)
    for (unsigned cb = 0; cb < bank.col_blocks(); ++cb) {
      cells += std::uint64_t{bank.sub_array(rb, cb).active_rows()} * bank.sub_array(rb, cb).active_cols();
      rows += bank.sub_array(rb, cb).active_rows();
    }
  if (layers_.size() <= layer) layers_.resize(layer + 1);
  layers_[layer] = std::move(bank);
  if (layer < transposed_.size()) transposed_[layer] = TransposedBank();  // new weights
  counters_.add(c_cells_, cells);
  counters_.add(c_row_writes_, rows);
}

std::vector<std::vector<Segment>> BitcellArray::segments(unsigned layer) const {
  return layer_at(layer).segments();
}

ColumnBatch BitcellArray::batch_of(const ArrayRead& r, const ArrayBank& L, unsigned cb) const {
  ColumnBatch b;
  b.array = &L.sub_array(r.row_block, cb);
  b.kind = L.kind();
  b.layer = r.layer;
  b.row_block = r.row_block;
  b.col_block = cb;
  b.plane = r.plane;
  b.x = r.x;
  b.x_stride = r.x_stride;
  b.n = r.n;
  b.first_vector = r.first_vector;
  return b;
}

const ArrayBank& BitcellArray::start_read(const ArrayRead& r) {
  const ArrayBank& L = layer_at(r.layer);
  if (r.row_block >= L.row_blocks())
    throw std::out_of_range(std::string(name()) + ": row block " + std::to_string(r.row_block) + " of layer " +
                            std::to_string(r.layer) + " does not exist");
  // One batch per column block, all read at the same time and sensed in one call (the
  // sense stage may spread them over threads; SenseStage::convert_all).
  const unsigned ncb = L.col_blocks();
  batches_.resize(ncb);
  batch_activity_.assign(ncb, ArrayActivity{});
  batch_delay_.assign(ncb, sc_core::SC_ZERO_TIME);
  for (unsigned cb = 0; cb < ncb; ++cb) {
    ColumnBatch& b = batches_[cb];
    b = batch_of(r, L, cb);
    sc_core::sc_time& d = batch_delay_[cb];
    if (drive_port.size() > 0) b.drive = drive_port->drive(r.layer, r.row_block, cb, d);  // DAC programmings
    const std::uint64_t groups = b.drive != nullptr ? b.drive->groups() : 1;
    d += t_read_ * static_cast<double>(r.n * b.array->segments().size() * groups);
  }
  return L;
}

void BitcellArray::read(const ArrayRead& r, sc_core::sc_time& delay) {
  start_read(r);
  sense_port->convert_all(batches_.data(), batches_.size(), batch_activity_.data(), batch_delay_.data());
  retire_read(r, delay);
}

bool BitcellArray::splits_reads(unsigned layer) const {
  return drive_port.size() == 0 || !drive_port->range(layer).supported();
}

void BitcellArray::evaluate(const ArrayRead& r, std::size_t v0, std::size_t v1, unsigned cb0, unsigned cb1,
                            ArrayActivity* per_cb) const {
  const ArrayBank& L = layer_at(r.layer);
  if (r.row_block >= L.row_blocks() || cb1 > L.col_blocks())
    throw std::out_of_range(std::string(name()) + ": row block " + std::to_string(r.row_block) +
                            " / column blocks up to " + std::to_string(cb1) + " of layer " + std::to_string(r.layer) +
                            " do not exist");
  if (!splits_reads(r.layer))
    throw std::logic_error(std::string(name()) + ": the reads of layer " + std::to_string(r.layer) +
                           " are driven by row DACs and cannot be split");
  for (unsigned cb = cb0; cb < cb1; ++cb) sense_port->evaluate_range(batch_of(r, L, cb), v0, v1, per_cb[cb]);
}

void BitcellArray::account(const ArrayRead& r, const ArrayActivity* per_cb, sc_core::sc_time& delay) {
  start_read(r);
  for (std::size_t cb = 0; cb < batches_.size(); ++cb)
    sense_port->account(batches_[cb], per_cb[cb], batch_activity_[cb], batch_delay_[cb]);
  retire_read(r, delay);
}

void BitcellArray::retire_read(const ArrayRead& r, sc_core::sc_time& delay) {
  const std::size_t ncb = batches_.size();
  ArrayActivity a;
  std::uint64_t cell_reads = 0, precharges = 0;
  sc_core::sc_time worst = sc_core::SC_ZERO_TIME;
  for (std::size_t cb = 0; cb < ncb; ++cb) {  // column blocks are read at the same time
    const ArrayActivity& ab = batch_activity_[cb];
    const std::uint64_t cols = batches_[cb].array->active_cols();
    worst = std::max(worst, batch_delay_[cb]);
    // every programmed column of the sub-array: its cells on driven word lines conduct,
    // and it is precharged once per read
    cell_reads += ab.wordline_activations * cols;
    precharges += ab.array_reads * cols;
    a += ab;
  }
  delay += worst;
  counters_.add(c_reads_, a.array_reads);
  counters_.add(c_wordlines_, a.wordline_activations);
  counters_.add(c_macs_, a.binary_macs);
  counters_.add(c_cell_reads_, cell_reads);
  counters_.add(c_precharges_, precharges);
  if (stats_.size() <= r.layer) stats_.resize(r.layer + 1);
  LayerStats& st = stats_[r.layer];
  st.reads += a.array_reads;
  st.wordlines += a.wordline_activations;
  st.cell_reads += cell_reads;
  st.precharges += precharges;
  st.binary_macs += a.binary_macs;
}

const TransposedBank& BitcellArray::transposed(unsigned layer, unsigned error_bits) {
  if (!two_way_.enabled)
    throw std::logic_error(std::string(name()) + ": not a two-way array (cim.two_way.enabled is false)");
  const ArrayBank& L = layer_at(layer);
  if (transposed_.size() <= layer) transposed_.resize(layer + 1);
  TransposedBank& t = transposed_[layer];
  if (t.empty() || t.error_bits() != error_bits) t = TransposedBank(L, two_way_.sense, error_bits, layer);
  return t;
}

void BitcellArray::read_transposed(const TransposedArrayRead& r, sc_core::sc_time& delay) {
  const TransposedBank& t = transposed(r.layer, r.error_bits);
  if (r.e == nullptr || r.out_half == nullptr) throw std::invalid_argument(std::string(name()) + ": no buffers");
  std::vector<Word> planes;
  t.encode(r.e, r.n, planes);
  const sc_core::sc_time per_read = sc_core::sc_time(two_way_.transposed_read_ns, sc_core::SC_NS) +
                                    sense_port->conversion_time();
  sc_core::sc_time worst = sc_core::SC_ZERO_TIME;
  ArrayActivity total;
  std::uint64_t cell_reads = 0;
  for (unsigned rb = 0; rb < t.row_blocks(); ++rb)
    for (unsigned cb = 0; cb < t.col_blocks(); ++cb) {  // every sub-array at the same time
      ArrayActivity a;
      for (unsigned p = 0; p < t.error_bits(); ++p) t.read_block(planes, r.n, rb, cb, p, r.out_half, &a);
      worst = std::max(worst, per_read * static_cast<double>(a.array_reads));
      const std::uint64_t rows = t.port(rb, cb).rows();
      cell_reads += a.wordline_activations * rows;
      t_row_precharges_ += a.array_reads * rows;
      total += a;
    }
  delay += worst;
  t_reads_ += total.array_reads;
  t_col_drives_ += total.wordline_activations;
  t_conversions_ += total.mlsa_conversions + total.sa_reads;
  counters_.add(c_t_reads_, total.array_reads);
  counters_.add(c_t_drives_, total.wordline_activations);
  counters_.add(c_t_conv_, total.mlsa_conversions + total.sa_reads);
  counters_.add(c_t_macs_, total.binary_macs);
  t_cell_reads_ += cell_reads;
  counters_.add(c_t_cell_reads_, cell_reads);
}

ArrayBank::RowWrite BitcellArray::write_row(unsigned layer, unsigned k, const std::int8_t* column,
                                            sc_core::sc_time& delay) {
  if (!two_way_.enabled)
    throw std::logic_error(std::string(name()) + ": not a two-way array (cim.two_way.enabled is false)");
  layer_at(layer);  // throws when not programmed
  ArrayBank& L = layers_[layer];
  const ArrayBank::RowWrite w = L.write_row(k, column);
  if (w.cells_written > 0) {
    delay += sc_core::sc_time(two_way_.row_write_ns, sc_core::SC_NS);
    if (layer < transposed_.size() && !transposed_[layer].empty())
      transposed_[layer].refresh_input_row(L, k);  // only the written row changed
  }
  cells_written_ += w.cells_written;
  counters_.add(c_update_rows_, w.rows);
  counters_.add(c_cells_written_, w.cells_written);
  counters_.add(c_cells_changed_, w.cells_changed);
  return w;
}

PpaLayerRow BitcellArray::layer_row(std::size_t l, const LayerStats& st, double energy_pj) const {
  PpaLayerRow row;
  row.layer = static_cast<unsigned>(l);
  row.reads = st.reads;
  row.binary_macs = st.binary_macs;
  row.energy_pj = energy_pj;
  if (l < layers_.size() && !layers_[l].empty()) {
    const ArrayBank& L = layers_[l];
    row.inputs = L.inputs();
    row.outputs = L.outputs();
    row.subarrays = std::uint64_t{L.row_blocks()} * L.col_blocks();
    row.utilisation = static_cast<double>(L.inputs()) * L.outputs() /
                      (static_cast<double>(row.subarrays) * array_.rows * array_.cols);
  }
  return row;
}

void BitcellArray::price(const TechParams& tech, PpaLedger& ledger) const {
  ledger.set_scope(PpaScope::macro);
  const CellKind kind = two_way_.enabled ? CellKind::sram_8t_twoway : cell_kind_for(array_.mode);
  if (!tech.has(kind))
    throw std::invalid_argument(std::string(name()) + ": technology '" + tech.node + "' has no " + to_string(kind) +
                                " cell for " + to_string(array_.mode) + " arrays");
  const BitcellTech& cell = tech.bitcell(kind);
  // per-event costs for this sub-array size (derived from the technology's geometry when it
  // has one); row-by-row reads use the conventional read (one word line at V_DD, 1-bit sense)
  const ArrayEventCosts ev =
      array_read_costs(tech, kind, array_.rows, array_.cols, array_.access == AccessMode::row_by_row);
  const auto wl_pj = [&](std::uint64_t n) { return static_cast<double>(n) * ev.wordline_pj; };
  const auto cell_pj = [&](std::uint64_t n) { return static_cast<double>(n) * ev.cell_pj; };
  const auto pre_pj = [&](std::uint64_t n) { return static_cast<double>(n) * ev.precharge_pj; };
  const std::uint64_t cycles_per_read = this->cycles_per_read();
  LayerStats total;
  for (std::size_t l = 0; l < stats_.size(); ++l) {
    const LayerStats& st = stats_[l];
    total.reads += st.reads;
    total.wordlines += st.wordlines;
    total.cell_reads += st.cell_reads;
    total.precharges += st.precharges;
    ledger.add_layer(layer_row(l, st,
                               wl_pj(st.wordlines) + cell_pj(st.cell_reads) + pre_pj(st.precharges) +
                                   clock_energy_pj(tech, st.reads * cycles_per_read)));
  }
  ledger.add_event("wordline", total.wordlines, wl_pj(total.wordlines));
  ledger.add_event("cell_read", total.cell_reads, cell_pj(total.cell_reads));
  ledger.add_event("precharge", total.precharges, pre_pj(total.precharges));
  // weight programming: every row written into a sub-array (array_geometry.h, row_write_cost;
  // 0 pJ for a technology without a geometry for the cell)
  const std::uint64_t row_writes = counters_.get("row_writes");
  ledger.add_event("row_write", row_writes,
                   static_cast<double>(row_writes) * array_row_write_cost(tech, kind, array_.rows, array_.cols).energy_pj);
  const std::uint64_t cycles = total.reads * cycles_per_read;
  ledger.add_event("clock", cycles, clock_energy_pj(tech, cycles));
  if (two_way_.enabled) {
    // transposed reads: the read formulas on the transposed geometry (column lines driven,
    // row lines sensed; ppa_energy.h transposed_read_costs)
    const ArrayEventCosts tev =
        transposed_read_costs(tech, kind, array_.rows, array_.cols, array_.access == AccessMode::row_by_row);
    ledger.add_event("column_drive", t_col_drives_, static_cast<double>(t_col_drives_) * tev.wordline_pj);
    ledger.add_event("transposed_cell_read", t_cell_reads_, static_cast<double>(t_cell_reads_) * tev.cell_pj);
    ledger.add_event("row_precharge", t_row_precharges_, static_cast<double>(t_row_precharges_) * tev.precharge_pj);
    // row converters resolve the levels a segment of `seg` driven columns can reach with
    // unipolar error planes (2·seg + 1), not more: SAR steps min(bits, ⌈log2⌉), flash / MLSA
    // comparators min(2^bits − 1, levels − 1); ideal MLSA: every level
    const SenseConfig& s = two_way_.sense;
    const unsigned seg = array_.access == AccessMode::group ? array_.group_rows : array_.cols;
    double per_conversion = 0.0;
    if (array_.access == AccessMode::row_by_row)
      per_conversion = mlsa_conversion_energy_pj(tech, 1);
    else if (s.kind == SenseKind::adc && s.converter == AdcKind::sar)
      per_conversion = adc_cost(tech, std::min(s.bits, exact_sense_bits(seg, false))).energy_pj;
    else if (s.kind == SenseKind::mlsa && s.quantization == Quantization::ideal)
      per_conversion = static_cast<double>(exact_sense_comparators(seg, false)) * tech.mlsa_comparator.energy_pj;
    else
      per_conversion = static_cast<double>(mlsa_comparators_for(s.bits, seg, false)) * tech.mlsa_comparator.energy_pj;
    ledger.add_event("row_conversion", t_conversions_, per_conversion * static_cast<double>(t_conversions_));
    // weight update: only the changed cells' bit lines are driven, one word line per row write
    const CellWriteCosts wc = array_cell_write_costs(tech, kind, array_.rows, array_.cols);
    ledger.add_event("cell_write", cells_written_, wc.cell_pj * static_cast<double>(cells_written_));
    const std::uint64_t update_rows = counters_.get("update_rows");
    ledger.add_event("update_wordline", update_rows, wc.row_pj * static_cast<double>(update_rows));
  }
  // Area of the sub-arrays the loaded network occupies (ppa_area.h, count_macro_resources).
  for (const ArrayBank& L : layers_) {
    if (L.empty()) continue;
    MacroLayerSpec spec;
    spec.cell = kind;
    spec.inputs = L.inputs();
    spec.outputs = L.outputs();
    spec.rows = array_.rows;
    spec.cols = array_.cols;
    spec.mlsa_bits = 1;  // sensing is the sense stage's
    const MacroResources res = count_macro_resources(spec, cell.wordlines_per_row);
    ledger.add_area("bitcells", res.cells, cell.read.area_um2);
    ledger.add_area("wl_drivers", res.wl_drivers, cell.wl_driver.area_um2);
    ledger.add_area("precharge", res.precharge_columns, cell.precharge.area_um2);
  }
}

void BitcellArray::publish() {
  wordline_activations.write(counters_.get("wordline_activations"));
  array_reads.write(counters_.get("array_reads"));
}

void BitcellArray::trace(sc_core::sc_trace_file* tf) const {
  trace_member(tf, wordline_activations, *this, "wordline_activations");
  trace_member(tf, array_reads, *this, "array_reads");
}

}  // namespace cimvp
