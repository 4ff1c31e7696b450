#include "cimvp/circuit/two_way.h"

#include "cimvp/circuit/column_adc.h"
#include "cimvp/circuit/random.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

int error_plane_weight(unsigned p, unsigned bits) {
  if (bits < 1 || bits > kMaxErrorBits)
    throw std::invalid_argument("error bits " + std::to_string(bits) + ": expected 1.." +
                                std::to_string(kMaxErrorBits));
  if (p >= bits)
    throw std::invalid_argument("plane " + std::to_string(p) + " of a " + std::to_string(bits) + "-bit error");
  return p + 1 == bits ? -(1 << p) : (1 << p);
}

// ---------------------------------------------------------------- one sub-array

void TransposedPort::refresh(const SubArray& a) {
  rows_ = a.active_rows();
  cols_ = a.active_cols();
  if (rows_ == 0) throw std::logic_error("TransposedPort: sub-array not programmed");
  access_ = a.config().access;
  wpr_ = words_for_bits(a.config().cols);
  rbits_.assign(std::size_t{rows_} * wpr_, 0);
  for (unsigned r = 0; r < rows_; ++r)
    for (unsigned c = 0; c < cols_; ++c)
      if (a.weight(r, c) == 1) rbits_[r * wpr_ + c / kWordBits] |= Word{1} << (c % kWordBits);
  g_.clear();
  if (a.has_cell_factors()) {
    g_.resize(std::size_t{rows_} * cols_);
    for (unsigned r = 0; r < rows_; ++r)
      for (unsigned c = 0; c < cols_; ++c) g_[std::size_t{r} * cols_ + c] = a.weight(r, c) * a.cell_factor(r, c);
  }
  const unsigned g = access_ == AccessMode::parallel ? cols_ : access_ == AccessMode::group ? a.config().group_rows : 1u;
  segs_.clear();
  for (unsigned c0 = 0; c0 < cols_; c0 += g) segs_.push_back(Segment{c0, std::min(g, cols_ - c0)});
  seg_mask_.assign(segs_.size() * wpr_, 0);
  for (std::size_t s = 0; s < segs_.size(); ++s)
    for (unsigned c = segs_[s].first_row; c < segs_[s].first_row + segs_[s].rows; ++c)
      seg_mask_[s * wpr_ + c / kWordBits] |= Word{1} << (c % kWordBits);
}

void TransposedPort::refresh_row(const SubArray& a, unsigned r) {
  if (r >= rows_) throw std::out_of_range("TransposedPort::refresh_row: row out of range");
  Word* row = rbits_.data() + std::size_t{r} * wpr_;
  std::fill(row, row + wpr_, Word{0});
  for (unsigned c = 0; c < cols_; ++c)
    if (a.weight(r, c) == 1) row[c / kWordBits] |= Word{1} << (c % kWordBits);
  if (!g_.empty())
    for (unsigned c = 0; c < cols_; ++c) g_[std::size_t{r} * cols_ + c] = a.weight(r, c) * a.cell_factor(r, c);
}

void TransposedPort::partial_sums(const Word* x, std::size_t x_stride, std::size_t n,
                                  std::vector<std::int32_t>& ps) const {
  const std::size_t S = segs_.size();
  ps.assign(n * S * rows_, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const Word* xi = x + i * x_stride;
    for (std::size_t s = 0; s < S; ++s) {
      const Word* m = seg_mask_.data() + s * wpr_;
      int driven = 0;
      for (std::size_t w = 0; w < wpr_; ++w) driven += static_cast<int>(popcount(xi[w] & m[w]));
      std::int32_t* out = ps.data() + (i * S + s) * rows_;
      for (unsigned r = 0; r < rows_; ++r) {
        const Word* wr = rbits_.data() + r * wpr_;
        int plus = 0;
        for (std::size_t w = 0; w < wpr_; ++w) plus += static_cast<int>(popcount(xi[w] & m[w] & wr[w]));
        out[r] = 2 * plus - driven;  // (+1 cells driven) − (−1 cells driven)
      }
    }
  }
}

void TransposedPort::accumulate(const Word* x, std::size_t x_stride, std::size_t n, const SenseTable& sense,
                                std::int32_t mul, std::int64_t* acc, std::size_t acc_stride,
                                ArrayActivity* activity) const {
  const std::size_t S = segs_.size();
  const bool digital = access_ == AccessMode::row_by_row;
  if (!digital) {
    if (sense.segments() != S || sense.cols() < rows_)
      throw std::invalid_argument("TransposedPort: row converters built for another sub-array");
    for (std::size_t s = 0; s < S; ++s)
      if (!(sense.quantizer(static_cast<unsigned>(s)).range() == PsRange::of(segs_[s].rows, InputKind::unipolar)))
        throw std::invalid_argument("TransposedPort: converter range of segment " + std::to_string(s) +
                                    " does not match its " + std::to_string(segs_[s].rows) + " columns");
  }
  thread_local std::vector<std::int32_t> ps;  // reused: no allocation per read once grown
  partial_sums(x, x_stride, n, ps);
  std::uint64_t driven_lines = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::int64_t* a = acc + i * acc_stride;
    for (std::size_t s = 0; s < S; ++s) {
      const std::int32_t* p = ps.data() + (i * S + s) * rows_;
      if (digital) {
        for (unsigned r = 0; r < rows_; ++r) a[r] += std::int64_t{2} * p[r] * mul;
      } else if (g_.empty()) {
        const int lo = -static_cast<int>(segs_[s].rows);  // PsRange::of(rows, unipolar): step 1
        for (unsigned r = 0; r < rows_; ++r)
          a[r] += std::int64_t{sense.lut(static_cast<unsigned>(s), r)[p[r] - lo]} * mul;
      } else {
        const Word* xi = x + i * x_stride;
        const unsigned c0 = segs_[s].first_row, c1 = c0 + segs_[s].rows;
        for (unsigned r = 0; r < rows_; ++r) {
          double v = 0.0;
          for (unsigned c = c0; c < c1; ++c)
            if ((xi[c / kWordBits] >> (c % kWordBits)) & 1u) v += g_[std::size_t{r} * cols_ + c];
          a[r] += std::int64_t{sense.sense(static_cast<unsigned>(s), r, v)} * mul;
        }
      }
    }
    if (activity != nullptr) {
      const Word* xi = x + i * x_stride;
      for (std::size_t s = 0; s < S; ++s)
        for (std::size_t w = 0; w < wpr_; ++w) driven_lines += popcount(xi[w] & seg_mask_[s * wpr_ + w]);
    }
  }
  if (activity == nullptr) return;
  const std::uint64_t N = n, R = rows_, C = cols_;
  activity->binary_macs += N * R * C;
  activity->wordline_activations += driven_lines;
  if (digital) {
    activity->array_reads += N * C;
    activity->sa_reads += N * R * C;
    activity->accumulations += N * R * C;
  } else {
    activity->array_reads += N * S;
    activity->mlsa_conversions += N * S * R;
    activity->accumulations += N * S * R;
  }
}

// ---------------------------------------------------------------- one layer

TransposedBank::TransposedBank(const ArrayBank& arrays, const SenseConfig& sense, unsigned error_bits,
                               std::uint64_t layer_id)
    : K_(arrays.inputs()),
      M_(arrays.outputs()),
      R_(arrays.config().rows),
      C_(arrays.config().cols),
      nrb_(arrays.row_blocks()),
      ncb_(arrays.col_blocks()),
      bits_(error_bits),
      sense_(sense),
      layer_(layer_id) {
  (void)error_plane_weight(0, error_bits);  // validates the bits
  sense_.validate();
  if (arrays.empty()) throw std::invalid_argument("TransposedBank: empty array bank");
  wpv_ = words_for_bits(C_);
  ports_.reserve(std::size_t{nrb_} * ncb_);
  for (unsigned rb = 0; rb < nrb_; ++rb)
    for (unsigned cb = 0; cb < ncb_; ++cb) ports_.emplace_back(arrays.sub_array(rb, cb));
  if (arrays.config().access != AccessMode::row_by_row) {
    tables_.resize(ports_.size());
    for (unsigned rb = 0; rb < nrb_; ++rb)
      for (unsigned cb = 0; cb < ncb_; ++cb) build_table(rb, cb);
  }
}

void TransposedBank::build_table(unsigned rb, unsigned cb) {
  const TransposedPort& port = ports_[std::size_t{rb} * ncb_ + cb];
  std::vector<Quantizer> q;
  unsigned refs = 0;
  for (const Segment& s : port.segments()) {
    q.push_back(sense_.nominal(PsRange::of(s.rows, InputKind::unipolar)));
    refs = std::max<unsigned>(refs, static_cast<unsigned>(q.back().references().size()));
    exact_ = exact_ && q.back().exact();
  }
  MlsaOffsets off;
  const bool ideal = sense_.kind == SenseKind::mlsa && sense_.quantization == Quantization::ideal;
  if (sense_.offset_sigma > 0.0 && !ideal) {
    const std::uint64_t seed = derive_seed(sense_.seed, {kStreamTransposedSense, layer_, rb, cb});
    off = sense_.kind == SenseKind::mlsa ? MlsaOffsets(R_, (1u << sense_.bits) - 1, sense_.offset_sigma, seed)
                                         : adc_offsets(R_, refs, sense_.offset_sigma, seed);
    exact_ = false;
  }
  tables_[std::size_t{rb} * ncb_ + cb] = SenseTable(std::move(q), R_, off);
}

const SenseTable& TransposedBank::table(unsigned rb, unsigned cb) const {
  if (tables_.empty()) throw std::logic_error("TransposedBank: row_by_row access has no row converters");
  return tables_.at(std::size_t{rb} * ncb_ + cb);
}

void TransposedBank::refresh(const ArrayBank& arrays, unsigned rb, unsigned cb) {
  if (rb >= nrb_ || cb >= ncb_ || arrays.row_blocks() != nrb_ || arrays.col_blocks() != ncb_)
    throw std::out_of_range("TransposedBank::refresh: sub-array out of range");
  ports_[std::size_t{rb} * ncb_ + cb].refresh(arrays.sub_array(rb, cb));
}

void TransposedBank::refresh_input_row(const ArrayBank& arrays, unsigned k) {
  if (k >= K_ || arrays.row_blocks() != nrb_ || arrays.col_blocks() != ncb_)
    throw std::out_of_range("TransposedBank::refresh_input_row: input out of range");
  const unsigned rb = k / R_;
  for (unsigned cb = 0; cb < ncb_; ++cb)
    ports_[std::size_t{rb} * ncb_ + cb].refresh_row(arrays.sub_array(rb, cb), k % R_);
}

void TransposedBank::encode(const std::int32_t* e, std::size_t n, std::vector<Word>& planes) const {
  const int lo = error_min(bits_), hi = error_max(bits_);
  planes.assign(std::size_t{bits_} * ncb_ * n * wpv_, 0);
  for (std::size_t i = 0; i < n; ++i)
    for (unsigned j = 0; j < M_; ++j) {
      const std::int32_t v = e[i * M_ + j];
      if (v < lo || v > hi)
        throw std::invalid_argument("error " + std::to_string(v) + " (vector " + std::to_string(i) + ", output " +
                                    std::to_string(j) + ") does not fit " + std::to_string(bits_) +
                                    " bits two's complement [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
      const auto code = static_cast<std::uint32_t>(v) & ((1u << bits_) - 1u);
      const unsigned cb = j / C_, c = j % C_;
      for (unsigned p = 0; p < bits_; ++p)
        if ((code >> p) & 1u) planes[((std::size_t{p} * ncb_ + cb) * n + i) * wpv_ + c / kWordBits] |= Word{1} << (c % kWordBits);
    }
}

void TransposedBank::read_block(const std::vector<Word>& planes, std::size_t n, unsigned rb, unsigned cb, unsigned p,
                                std::int64_t* out_half, ArrayActivity* activity) const {
  if (rb >= nrb_ || cb >= ncb_ || p >= bits_)
    throw std::out_of_range("TransposedBank::read_block: block or plane out of range");
  if (planes.size() < std::size_t{bits_} * ncb_ * n * wpv_)
    throw std::invalid_argument("TransposedBank::read_block: planes encoded for fewer vectors");
  const Word* x = planes.data() + (std::size_t{p} * ncb_ + cb) * n * wpv_;
  const TransposedPort& port = ports_[std::size_t{rb} * ncb_ + cb];
  static const SenseTable kNone;
  const SenseTable& t = tables_.empty() ? kNone : tables_[std::size_t{rb} * ncb_ + cb];
  port.accumulate(x, wpv_, n, t, error_plane_weight(p, bits_), out_half + std::size_t{rb} * R_, K_, activity);
}

void TransposedBank::evaluate(const std::int32_t* e, std::size_t n, std::vector<std::int64_t>& out_half,
                              ArrayActivity* activity) const {
  std::vector<Word> planes;
  encode(e, n, planes);
  out_half.assign(n * K_, 0);
  for (unsigned rb = 0; rb < nrb_; ++rb)
    for (unsigned cb = 0; cb < ncb_; ++cb)
      for (unsigned p = 0; p < bits_; ++p) read_block(planes, n, rb, cb, p, out_half.data(), activity);
}

}  // namespace cimvp
