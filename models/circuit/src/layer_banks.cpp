#include "cimvp/circuit/layer_banks.h"

#include "cimvp/circuit/faults.h"
#include "cimvp/circuit/random.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

ArrayBank::ArrayBank(unsigned inputs, unsigned outputs, const std::int8_t* weights, InputKind kind,
                     const SubArrayConfig& array, const CellVariationConfig& cells, std::uint64_t layer_id)
    : K_(inputs), M_(outputs), kind_(kind), cell_kind_(cells.kind), array_(array) {
  array_.validate();
  cells.validate();
  if (K_ == 0 || M_ == 0) throw std::invalid_argument("layer shape must be at least 1x1");
  if (weights == nullptr) throw std::invalid_argument("no weights");
  if (!supports(array_.mode, kind_))
    throw std::invalid_argument(std::string("a ") + to_string(array_.mode) + " array cannot take " + to_string(kind_) +
                                " inputs");
  const unsigned R = array_.rows, C = array_.cols;
  nrb_ = (K_ + R - 1) / R;
  ncb_ = (M_ + C - 1) / C;
  // Column-major copy of one sub-array's weights: column c = neuron j over rows k.
  std::vector<std::int8_t> block(std::size_t{R} * C);
  arrays_.reserve(std::size_t{nrb_} * ncb_);
  for (unsigned rb = 0; rb < nrb_; ++rb) {
    const unsigned k0 = rb * R, nr = std::min(R, K_ - k0);
    for (unsigned cb = 0; cb < ncb_; ++cb) {
      const unsigned j0 = cb * C, nc = std::min(C, M_ - j0);
      for (unsigned c = 0; c < nc; ++c)
        std::copy_n(weights + std::size_t{j0 + c} * K_ + k0, nr, block.data() + std::size_t{c} * R);
      if (cells.faults.any()) {  // stuck cells hold their value whatever is programmed
        stuck_.push_back(stuck_cells(cells.faults, R, C, layer_id, rb, cb));
        const std::vector<std::int8_t>& stuck = stuck_.back();
        for (unsigned c = 0; c < nc; ++c)
          for (unsigned r = 0; r < nr; ++r)
            if (const std::int8_t v = stuck[std::size_t{r} * C + c]; v != 0) block[std::size_t{c} * R + r] = v;
      }
      arrays_.emplace_back(array_);
      arrays_.back().program(block.data(), nr, nc, R);
      if (cells.kind == ArrayKind::rram) {
        // RRAM cells (rram_cell.h): each ±1 weight's normalized column current from its two
        // conductances, keyed per (layer, k, j); ideal cells keep the integer path (weight ±1)
        if (rram_ideal(cells.rram)) continue;
        std::vector<double> f(std::size_t{R} * C, 1.0);
        for (unsigned r = 0; r < nr; ++r)
          for (unsigned c = 0; c < nc; ++c) {
            const int w = block[std::size_t{c} * R + r];
            f[std::size_t{r} * C + c] = w * rram_weight_cells(cells.rram, layer_id, k0 + r, j0 + c, cb, w).weight;
          }
        arrays_.back().set_cell_factors(std::move(f));
      } else if (cells.sigma > 0.0)
        arrays_.back().set_cell_variation(cells.sigma, derive_seed(cells.seed, {kStreamCellFactor, layer_id, rb, cb}));
    }
  }
}

ArrayBank::RowWrite& ArrayBank::RowWrite::operator+=(const RowWrite& o) {
  rows += o.rows;
  cells_written += o.cells_written;
  cells_changed += o.cells_changed;
  return *this;
}

ArrayBank::RowWrite ArrayBank::write_row(unsigned k, const std::int8_t* column) {
  if (k >= K_)
    throw std::out_of_range("ArrayBank::write_row: input " + std::to_string(k) + " of a layer with " +
                            std::to_string(K_) + " inputs");
  for (unsigned j = 0; j < M_; ++j)
    if (column[j] != 1 && column[j] != -1)
      throw std::invalid_argument("ArrayBank::write_row: weight of neuron " + std::to_string(j) + " is " +
                                  std::to_string(int(column[j])) + ", expected -1 or +1");
  if (cell_kind_ == ArrayKind::rram)
    throw std::logic_error("ArrayBank::write_row: row writes of rram arrays are not modelled (SRAM two-way arrays only)");
  const unsigned R = array_.rows, C = array_.cols, rb = k / R, r = k % R;
  RowWrite w;
  for (unsigned cb = 0; cb < ncb_; ++cb) {
    const std::size_t i = std::size_t{rb} * ncb_ + cb;
    SubArray& s = arrays_[i];
    std::uint64_t written = 0;
    for (unsigned c = 0; c < s.active_cols(); ++c) {
      const std::int8_t v = column[cb * C + c];
      if (s.weight(r, c) == v) continue;
      ++written;
      const bool stuck = !stuck_.empty() && stuck_[i][std::size_t{r} * C + c] != 0;
      if (!stuck && s.write_cell(r, c, v)) ++w.cells_changed;
    }
    w.cells_written += written;
    if (written > 0) ++w.rows;
  }
  return w;
}

std::vector<std::vector<Segment>> ArrayBank::segments() const {
  std::vector<std::vector<Segment>> s(nrb_);
  for (unsigned rb = 0; rb < nrb_; ++rb) s[rb] = sub_array(rb, 0).segments();
  return s;
}

SenseBank::SenseBank(std::vector<std::vector<Segment>> segments, unsigned col_blocks, unsigned planes, InputKind kind,
                     unsigned cols, AccessMode access, const SenseConfig& sense, std::uint64_t layer_id,
                     const DriveRange& drive)
    : segments_(std::move(segments)),
      ncb_(col_blocks),
      planes_(planes),
      cols_(cols),
      kind_(kind),
      access_(access),
      cfg_(sense),
      drive_(drive),
      layer_(layer_id) {
  cfg_.validate();
  if (drive_.supported() && access_ == AccessMode::row_by_row)
    throw std::invalid_argument("supports need an analog read (access parallel or group), not row_by_row");
  if (drive_.supported() && cfg_.kind == SenseKind::mlsa && cfg_.quantization == Quantization::nonlinear)
    throw std::invalid_argument(
        "a nonlinear MLSA cannot sense support-weighted bit lines (few levels over 2*rows*full-scale+1 values); "
        "use sense kind adc (or an ideal/linear MLSA)");
  if (segments_.empty() || ncb_ == 0 || planes_ == 0 || cols_ == 0)
    throw std::invalid_argument("sense bank of an empty layer shape");
  const unsigned nrb = row_blocks();
  q_.resize(std::size_t{nrb} * planes_);
  usable_.assign(q_.size(), (digital() || !cfg_.needs_calibration()) ? 1 : 0);
  unsigned max_refs = 0;
  for (unsigned rb = 0; rb < nrb; ++rb) {
    if (segments_[rb].empty()) throw std::invalid_argument("row block " + std::to_string(rb) + " has no segment");
    for (unsigned p = 0; p < planes_; ++p)
      for (const Segment& s : segments_[rb]) {
        const PsRange r = range(s.rows);
        q_[std::size_t{rb} * planes_ + p].push_back(cfg_.nominal(r, row_scale()));
        max_refs = std::max(max_refs, r.count - 1);
      }
  }
  if (digital()) return;  // row_by_row: 1-bit sense amplifiers, no converter tables
  const unsigned refs = std::min(max_refs, cfg_.max_references());
  offsets_.reserve(std::size_t{nrb} * ncb_);
  for (unsigned rb = 0; rb < nrb; ++rb)
    for (unsigned cb = 0; cb < ncb_; ++cb) {
      offsets_.push_back(cfg_.offsets(cols_, refs, layer_, rb, cb));
      dead_.push_back(dead_columns(cfg_.faults, cols_, layer_, rb, cb));
    }
  tables_.resize(std::size_t{nrb} * ncb_ * planes_);
  for (unsigned rb = 0; rb < nrb; ++rb)
    for (unsigned p = 0; p < planes_; ++p) build(rb, p);
}

void SenseBank::build(unsigned rb, unsigned p) {
  if (digital()) return;
  const auto& q = q_[std::size_t{rb} * planes_ + p];
  for (unsigned cb = 0; cb < ncb_; ++cb) {
    SenseTable& t = tables_[(std::size_t{rb} * ncb_ + cb) * planes_ + p];
    t = SenseTable(q, cols_, offsets_[std::size_t{rb} * ncb_ + cb]);
    if (cfg_.faults.any()) t.set_dead_columns(dead_[std::size_t{rb} * ncb_ + cb], cfg_.faults.level);
    ++tables_built_;
  }
}

const std::vector<Quantizer>& SenseBank::quantizers(unsigned rb, unsigned p) const {
  if (rb >= row_blocks() || p >= planes_)
    throw std::out_of_range("row block " + std::to_string(rb) + " / plane " + std::to_string(p) + " out of range");
  return q_[std::size_t{rb} * planes_ + p];
}

bool SenseBank::usable(unsigned rb, unsigned p) const {
  return rb < row_blocks() && p < planes_ && usable_[std::size_t{rb} * planes_ + p] != 0;
}

bool SenseBank::ready() const {
  return std::all_of(usable_.begin(), usable_.end(), [](std::uint8_t u) { return u != 0; });
}

void SenseBank::calibrate(unsigned rb, unsigned p, const std::vector<PsHistogram>& per_segment) {
  if (rb >= row_blocks() || p >= planes_)
    throw std::out_of_range("row block " + std::to_string(rb) + " / plane " + std::to_string(p) + " out of range");
  if (per_segment.size() != segments_[rb].size())
    throw std::invalid_argument(std::to_string(per_segment.size()) + " histograms for " +
                                std::to_string(segments_[rb].size()) + " sensing segments");
  std::vector<Quantizer> qs;
  for (const PsHistogram& h : per_segment) qs.push_back(cfg_.calibrated(h, row_scale()));
  q_[std::size_t{rb} * planes_ + p] = std::move(qs);
  usable_[std::size_t{rb} * planes_ + p] = 1;
  build(rb, p);
}

std::uint64_t SenseBank::program(unsigned rb, unsigned p, std::vector<Quantizer> per_segment) {
  if (rb >= row_blocks() || p >= planes_)
    throw std::invalid_argument("row block " + std::to_string(rb) + " / plane " + std::to_string(p) +
                                " out of range (" + std::to_string(row_blocks()) + " row blocks, " +
                                std::to_string(planes_) + " planes)");
  const auto& segs = segments_[rb];
  if (per_segment.size() != segs.size())
    throw std::invalid_argument(std::to_string(per_segment.size()) + " transfer functions for " +
                                std::to_string(segs.size()) + " sensing segments");
  std::uint64_t refs = 0;
  for (std::size_t s = 0; s < segs.size(); ++s) {
    const Quantizer& q = per_segment[s];
    if (!(q.range() == range(segs[s].rows)))
      throw std::invalid_argument("segment " + std::to_string(s) + ": transfer function range does not match " +
                                  std::to_string(segs[s].rows) + " " + to_string(kind_) + " rows");
    if (q.references().size() > cfg_.max_references())
      throw std::invalid_argument("segment " + std::to_string(s) + ": " + std::to_string(q.references().size()) +
                                  " references, the " + to_string(cfg_.kind) + " has " +
                                  std::to_string(cfg_.max_references()) + " comparators");
    refs += q.references().size();
  }
  q_[std::size_t{rb} * planes_ + p] = std::move(per_segment);
  usable_[std::size_t{rb} * planes_ + p] = 1;
  build(rb, p);
  return refs;
}

const SenseTable& SenseBank::table(unsigned rb, unsigned cb, unsigned p) const {
  if (digital()) throw std::logic_error("row_by_row access has no converter sense tables");
  return tables_.at((std::size_t{rb} * ncb_ + cb) * planes_ + p);
}

ConversionNoise SenseBank::noise(unsigned rb, unsigned cb, unsigned p, std::uint64_t first_vector) const {
  ConversionNoise n;
  if (!cfg_.noisy() || digital()) return n;
  n.sigma = cfg_.noise_sigma;
  n.seed = cfg_.seed;
  n.layer = static_cast<unsigned>(layer_);
  n.row_block = rb;
  n.col_block = cb;
  n.plane = p;
  n.first_vector = first_vector;
  return n;
}

}  // namespace cimvp
