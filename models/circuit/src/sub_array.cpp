#include "cimvp/circuit/sub_array.h"

#include "cimvp/circuit/column_adc.h"
#include "cimvp/circuit/random.h"
#include "cimvp/circuit/row_dac.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

// Hot kernels are compiled twice on x86-64 Linux/GCC (with and without the POPCNT
// instruction) and picked at load time, because the portable x86-64 baseline has no
// POPCNT and __builtin_popcountll would become a library call.  Results are identical.
// Not under ThreadSanitizer: the loader runs the (instrumented) ifunc resolver before the
// TSan runtime is set up, which crashes the program at start-up.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__)
#define CIMVP_KERNEL __attribute__((target_clones("popcnt", "default")))
#else
#define CIMVP_KERNEL
#endif
#define CIMVP_INLINE inline __attribute__((always_inline))
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && defined(__linux__)
#define CIMVP_AVX2_KERNEL 1
#include <immintrin.h>
#endif

#include <atomic>

namespace cimvp {

const char* to_string(AccessMode a) {
  switch (a) {
    case AccessMode::parallel: return "parallel";
    case AccessMode::group: return "group";
    case AccessMode::row_by_row: return "row_by_row";
  }
  return "?";
}

AccessMode parse_access_mode(const std::string& s) {
  if (s == "parallel") return AccessMode::parallel;
  if (s == "group") return AccessMode::group;
  if (s == "row_by_row") return AccessMode::row_by_row;
  throw std::invalid_argument("access mode '" + s + "': expected parallel|group|row_by_row");
}

void SubArrayConfig::validate() const {
  auto bad = [](const char* field, unsigned v, const std::string& allowed) {
    throw std::invalid_argument(std::string("SubArrayConfig.") + field + " = " + std::to_string(v) + ": expected " +
                                allowed);
  };
  if (rows < 1 || rows > kMaxSubArrayRows) bad("rows", rows, "1.." + std::to_string(kMaxSubArrayRows));
  if (cols < 1 || cols > kMaxSubArrayCols) bad("cols", cols, "1.." + std::to_string(kMaxSubArrayCols));
  if (mode != CellMode::hbnn_6t && mode != CellMode::xnor_8t)
    bad("mode", static_cast<unsigned>(mode), "hbnn_6t|xnor_8t");
  if (access != AccessMode::parallel && access != AccessMode::group && access != AccessMode::row_by_row)
    bad("access", static_cast<unsigned>(access), "parallel|group|row_by_row");
  if (access == AccessMode::group && (group_rows < 1 || group_rows > rows))
    bad("group_rows", group_rows, "1..rows (" + std::to_string(rows) + ")");
}

void CellVariationConfig::validate() const {
  if (!(sigma >= 0.0 && sigma <= kMaxCellSigma)) {
    std::ostringstream os;
    os << "CellVariationConfig.sigma = " << sigma << ": expected a relative sigma in [0, " << kMaxCellSigma << "]";
    throw std::invalid_argument(os.str());
  }
  faults.validate();
  if (kind != ArrayKind::sram && kind != ArrayKind::rram)
    throw std::invalid_argument("CellVariationConfig.kind = " + std::to_string(static_cast<int>(kind)) +
                                ": expected sram|rram");
  if (kind == ArrayKind::rram) {
    rram.validate();
    if (rram.cell_bits != 1)
      throw std::invalid_argument("RramCellConfig.cell_bits = " + std::to_string(rram.cell_bits) +
                                  ": an rram array stage stores +-1 weights, expected 1 (binary mode)");
    if (sigma != 0.0)
      throw std::invalid_argument(
          "CellVariationConfig.sigma is the SRAM cell variation; an rram array uses rram.variation_sigma");
    if (faults.any())
      throw std::invalid_argument(
          "CellVariationConfig.faults are SRAM stuck bitcells; an rram array uses rram.stuck_hrs_rate / stuck_lrs_rate");
  }
}

const char* to_string(ArrayKind k) {
  switch (k) {
    case ArrayKind::sram: return "sram";
    case ArrayKind::rram: return "rram";
  }
  return "?";
}

ArrayKind parse_array_kind(const std::string& s) {
  if (s == "sram") return ArrayKind::sram;
  if (s == "rram") return ArrayKind::rram;
  throw std::invalid_argument("array kind '" + s + "': expected sram|rram");
}

bool ArrayActivity::operator==(const ArrayActivity& o) const {
  return array_reads == o.array_reads && wordline_activations == o.wordline_activations &&
         mlsa_conversions == o.mlsa_conversions && sa_reads == o.sa_reads && accumulations == o.accumulations &&
         binary_macs == o.binary_macs && dac_programmings == o.dac_programmings &&
         dac_conversions == o.dac_conversions && support_reads == o.support_reads;
}

// ---------------------------------------------------------------- MLSA offsets, tables

MlsaOffsets::MlsaOffsets(unsigned cols, unsigned refs, double sigma, std::uint64_t seed) : cols_(cols), refs_(refs) {
  if (!(sigma >= 0.0) || !std::isfinite(sigma))
    throw std::invalid_argument("MlsaOffsets: sigma must be finite and >= 0");
  if (sigma == 0.0 || refs == 0) return;  // empty: ideal references
  std::mt19937_64 rng(seed);
  Gaussian gauss;
  v_.resize(std::size_t{cols} * refs);
  for (double& o : v_) o = sigma * gauss(rng);
}

MlsaOffsets MlsaOffsets::from_values(unsigned cols, unsigned refs, std::vector<double> values) {
  if (values.size() != std::size_t{cols} * refs)
    throw std::invalid_argument("MlsaOffsets: " + std::to_string(values.size()) + " values for " +
                                std::to_string(cols) + " columns x " + std::to_string(refs) + " references");
  for (double v : values)
    if (!std::isfinite(v)) throw std::invalid_argument("MlsaOffsets: offsets must be finite");
  MlsaOffsets o;
  o.cols_ = cols;
  o.refs_ = refs;
  o.v_ = std::move(values);
  return o;
}

SenseTable::SenseTable(std::vector<Quantizer> per_segment, unsigned cols, const MlsaOffsets& offsets)
    : q_(std::move(per_segment)), cols_(cols) {
  const bool shifted = !offsets.empty();
  if (shifted) {
    if (offsets.cols() < cols)
      throw std::invalid_argument("SenseTable: offsets for " + std::to_string(offsets.cols()) + " columns, need " +
                                  std::to_string(cols));
    for (const auto& q : q_)
      if (q.references().size() > offsets.refs())
        throw std::invalid_argument("SenseTable: a transfer function has " + std::to_string(q.references().size()) +
                                    " references but the MLSA only " + std::to_string(offsets.refs()));
    refs_per_col_ = offsets.refs();
    offsets_.assign(offsets.column(0), offsets.column(0) + std::size_t{offsets.cols()} * offsets.refs());
  }
  lut_start_.resize(q_.size() * cols_);
  for (unsigned s = 0; s < q_.size(); ++s) {
    const unsigned d = q_[s].range().count;
    if (!shifted) {
      const auto start = static_cast<std::uint32_t>(lut_.size());
      lut_.resize(lut_.size() + d);
      q_[s].build_lut(nullptr, lut_.data() + start);
      for (unsigned c = 0; c < cols_; ++c) lut_start_[std::size_t{s} * cols_ + c] = start;
    } else {
      for (unsigned c = 0; c < cols_; ++c) {
        const auto start = static_cast<std::uint32_t>(lut_.size());
        lut_.resize(lut_.size() + d);
        q_[s].build_lut(offsets_.data() + std::size_t{c} * refs_per_col_, lut_.data() + start);
        lut_start_[std::size_t{s} * cols_ + c] = start;
      }
    }
  }
  index_luts();
}

void SenseTable::index_luts() {
  lut_rel_.resize(lut_start_.size());
  for (std::size_t s = 0; s < q_.size(); ++s)
    for (std::size_t c = 0; c < cols_; ++c)
      lut_rel_[s * cols_ + c] =
          static_cast<std::int32_t>(static_cast<std::int64_t>(lut_start_[s * cols_ + c]) - lut_start_[s * cols_]);
}

void SenseTable::set_dead_columns(const std::vector<std::uint8_t>& dead, DeadLevel level) {
  dead_.assign(cols_, 0);
  dead_level_ = level;
  bool any = false;
  for (unsigned c = 0; c < cols_ && c < dead.size(); ++c) any |= (dead_[c] = dead[c] ? 1 : 0) != 0;
  if (!any) {
    dead_.clear();
    return;
  }
  for (unsigned s = 0; s < q_.size(); ++s) {
    const auto& v = q_[s].values_half();
    const std::int32_t stuck = level == DeadLevel::high ? v.back() : v.front();
    const unsigned d = q_[s].range().count;
    for (unsigned c = 0; c < cols_; ++c) {
      if (!dead_[c]) continue;
      const auto start = static_cast<std::uint32_t>(lut_.size());
      lut_.resize(lut_.size() + d, stuck);  // a LUT of its own: the shared one stays intact
      lut_start_[std::size_t{s} * cols_ + c] = start;
    }
  }
  index_luts();
}

std::int32_t SenseTable::sense(unsigned s, unsigned c, double analog) const {
  if (!dead_.empty() && dead_[c]) {
    const auto& v = q_[s].values_half();
    return dead_level_ == DeadLevel::high ? v.back() : v.front();
  }
  const double* off = offsets_.empty() ? nullptr : offsets_.data() + std::size_t{c} * refs_per_col_;
  return q_[s].value_half(q_[s].level(analog, off));
}

// ---------------------------------------------------------------- sub-array

SubArray::SubArray(const SubArrayConfig& cfg) : cfg_(cfg) {
  cfg_.validate();
  wpc_ = words_for_bits(cfg_.rows);
  wbits_.assign(std::size_t{cfg_.cols} * wpc_, 0);
  w_.assign(std::size_t{cfg_.rows} * cfg_.cols, 0);
  active_mask_.assign(wpc_, 0);
}

void SubArray::program(const std::int8_t* w, unsigned n_rows, unsigned n_cols, std::size_t col_stride) {
  if (n_rows < 1 || n_rows > cfg_.rows)
    throw std::invalid_argument("SubArray::program: " + std::to_string(n_rows) + " rows, expected 1.." +
                                std::to_string(cfg_.rows));
  if (n_cols < 1 || n_cols > cfg_.cols)
    throw std::invalid_argument("SubArray::program: " + std::to_string(n_cols) + " columns, expected 1.." +
                                std::to_string(cfg_.cols));
  if (n_cols > 1 && col_stride < n_rows)
    throw std::invalid_argument("SubArray::program: column stride " + std::to_string(col_stride) + " < rows " +
                                std::to_string(n_rows));
  std::vector<std::int8_t> wn(std::size_t{cfg_.rows} * cfg_.cols, 0);
  std::vector<Word> bits(std::size_t{cfg_.cols} * wpc_, 0);
  for (unsigned c = 0; c < n_cols; ++c) {
    const std::int8_t* col = w + c * col_stride;
    for (unsigned r = 0; r < n_rows; ++r) {
      const std::int8_t v = col[r];
      if (v != 1 && v != -1)
        throw std::invalid_argument("SubArray::program: weight (row " + std::to_string(r) + ", column " +
                                    std::to_string(c) + ") is " + std::to_string(int(v)) + ", expected -1 or +1");
      wn[std::size_t{r} * cfg_.cols + c] = v;
      if (v == 1) bits[c * wpc_ + r / kWordBits] |= Word{1} << (r % kWordBits);
    }
  }
  w_.swap(wn);
  wbits_.swap(bits);
  n_rows_ = n_rows;
  n_cols_ = n_cols;
  for (std::size_t i = 0; i < wpc_; ++i) {
    const std::size_t lo = i * kWordBits;
    active_mask_[i] = n_rows_ <= lo ? 0 : low_mask(static_cast<unsigned>(std::min<std::size_t>(kWordBits, n_rows_ - lo)));
  }
  // Sensing segments.
  segs_.clear();
  const unsigned g = cfg_.access == AccessMode::parallel ? n_rows_
                     : cfg_.access == AccessMode::group  ? cfg_.group_rows
                                                         : 1u;
  for (unsigned a = 0; a < n_rows_; a += g) segs_.push_back(Segment{a, std::min(g, n_rows_ - a)});
  for (const InputKind k : {InputKind::unipolar, InputKind::bipolar}) {  // what check_sense compares with
    std::vector<PsRange>& r = seg_ranges_[static_cast<unsigned>(k)];
    r.clear();
    for (const Segment& sg : segs_) r.push_back(PsRange::of(sg.rows, k));
  }
  seg_pieces_.assign(segs_.size(), {});
  for (std::size_t s = 0; s < segs_.size(); ++s) {
    const unsigned a = segs_[s].first_row, b = a + segs_[s].rows;  // [a, b)
    for (unsigned wd = a / kWordBits; wd * kWordBits < b; ++wd) {
      const unsigned lo = std::max(a, wd * kWordBits) - wd * kWordBits;
      const unsigned hi = std::min(b, (wd + 1) * kWordBits) - wd * kWordBits;
      seg_pieces_[s].push_back(Piece{wd, low_mask(hi) & ~low_mask(lo)});
    }
  }
  rebuild_weights();
}

int SubArray::weight(unsigned r, unsigned c) const {
  if (r >= cfg_.rows || c >= cfg_.cols) throw std::out_of_range("SubArray::weight: cell out of range");
  return w_[std::size_t{r} * cfg_.cols + c];
}

bool SubArray::write_cell(unsigned r, unsigned c, std::int8_t v) {
  if (r >= n_rows_ || c >= n_cols_)
    throw std::out_of_range("SubArray::write_cell: cell (" + std::to_string(r) + ", " + std::to_string(c) +
                            ") is not an active cell");
  if (v != 1 && v != -1)
    throw std::invalid_argument("SubArray::write_cell: value " + std::to_string(int(v)) + ", expected -1 or +1");
  const std::size_t i = std::size_t{r} * cfg_.cols + c;
  if (w_[i] == v) return false;
  w_[i] = v;
  Word& bits = wbits_[c * wpc_ + r / kWordBits];
  const Word m = Word{1} << (r % kWordBits);
  bits = v == 1 ? (bits | m) : (bits & ~m);
  if (!factors_.empty()) g_[i] = v * factors_[i];
  return true;
}

void SubArray::set_cell_variation(double sigma, std::uint64_t seed) {
  CellVariationConfig check;
  check.sigma = sigma;
  check.seed = seed;
  check.validate();
  if (sigma == 0.0) {
    set_cell_factors({});
    return;
  }
  std::vector<double> f(std::size_t{cfg_.rows} * cfg_.cols);
  std::mt19937_64 rng(seed);
  Gaussian gauss;
  // no cell conducts a negative current (docs/circuit.md, "Cell variation")
  for (double& v : f) v = truncated_gain(sigma, rng, gauss);
  set_cell_factors(std::move(f));
}

void SubArray::set_cell_factors(std::vector<double> factors) {
  if (!factors.empty() && factors.size() != std::size_t{cfg_.rows} * cfg_.cols)
    throw std::invalid_argument("SubArray::set_cell_factors: " + std::to_string(factors.size()) +
                                " factors, expected rows x cols = " + std::to_string(cfg_.rows * cfg_.cols));
  factors_ = std::move(factors);
  rebuild_weights();
}

void SubArray::rebuild_weights() {
  g_.clear();
  if (factors_.empty()) return;
  g_.resize(factors_.size());
  for (std::size_t i = 0; i < g_.size(); ++i) g_[i] = w_[i] * factors_[i];
}

void SubArray::check_kind(InputKind kind) const {
  if (n_rows_ == 0) throw std::logic_error("SubArray: evaluated before program()");
  if (!supports(cfg_.mode, kind))
    throw std::invalid_argument(std::string("SubArray: a ") + to_string(cfg_.mode) + " cell cannot take " +
                                to_string(kind) + " inputs");
}

void SubArray::check_sense(InputKind kind, const SenseTable& sense, const SubArrayDrive* d) const {
  if (sense.segments() != segs_.size())
    throw std::invalid_argument("SubArray: sense table has " + std::to_string(sense.segments()) +
                                " segments, the array senses " + std::to_string(segs_.size()));
  if (sense.cols() < n_cols_)
    throw std::invalid_argument("SubArray: sense table covers " + std::to_string(sense.cols()) + " columns, need " +
                                std::to_string(n_cols_));
  for (unsigned s = 0; s < segs_.size(); ++s)
    if (!(sense.quantizer(s).range() == (d ? drive_range(segs_[s].rows, kind, d->range())
                                           : seg_ranges_[static_cast<unsigned>(kind)][s])))
      throw std::invalid_argument("SubArray: sense table segment " + std::to_string(s) +
                                  " does not match the reachable partial sums of " + std::to_string(segs_[s].rows) +
                                  " " + to_string(kind) + " rows" + (d ? " with row-DAC drive" : ""));
}

void SubArray::check_drive(const SubArrayDrive& d) const {
  if (cfg_.access == AccessMode::row_by_row)
    throw std::invalid_argument("SubArray: row_by_row access cannot read with a row DAC");
  std::size_t rows = 0;
  for (const auto& p : d.pieces()) rows += p.rows;
  if (rows != n_rows_ || d.group_of().size() != n_cols_ || (d.analog() && d.gains().size() != cfg_.rows))
    throw std::invalid_argument("SubArray: row-DAC drive built for another sub-array");
}

namespace {

constexpr std::size_t kMaxWords = kMaxSubArrayRows / kWordBits;

struct KernelArgs {
  const Word* x;
  std::size_t x_stride;
  std::size_t n;
  const Word* w;  // column-major C × wpc
  std::size_t wpc;
  unsigned cols;  // active columns
  int nact;       // active rows
  const Word* amask;
  const std::int32_t* const* luts;  // [s * cols + c]
  std::int32_t mul;
  std::int32_t* acc;
  std::size_t acc_stride;
  const std::vector<SubArray::Piece>* pieces;  // per segment (group)
  const Segment* segs;
  unsigned nsegs;
};

inline int pc(Word v) { return __builtin_popcountll(v); }

/// Driven word lines of n unipolar vectors: Σ popcount(x_i & mask) (SubArray::activity).
CIMVP_KERNEL std::uint64_t count_driven(const Word* x, std::size_t x_stride, std::size_t n, const Word* mask,
                                        std::size_t words) {
  std::uint64_t driven = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t wd = 0; wd < words; ++wd) driven += static_cast<std::uint64_t>(pc(x[i * x_stride + wd] & mask[wd]));
  return driven;
}

// Whole active row block sensed at once.  Exact: value = 2·PS (no table).
// Blocked over vectors: kNB input vectors share each column's weight words and look-up
// table pointer, so per (vector, column) the loop is one XOR/AND + POPCNT + table load +
// multiply-add into the accumulator, with no branches on data.
// Arguments are copied to locals so the compiler knows the stores to acc cannot change them.
constexpr std::size_t kNB = 4;  // vectors per block

// Sensed value of a column from its LUT index t = (PS − lo) / step (PsRange: bipolar
// lo = −nact, step 2, so PS = 2t − nact; {0,1} inputs lo = −nact, step 1, so PS = t − nact).
// Exact: 2·PS without a table.
template <bool Bip, bool Exact>
CIMVP_INLINE std::int32_t level(const std::int32_t* lut, int t, int nact) {
  return Exact ? (Bip ? 2 * (2 * t - nact) : 2 * (t - nact)) : lut[t];
}

template <bool Bip, bool Exact>
CIMVP_INLINE void parallel_one(const KernelArgs& a) {
  const int nact = a.nact;
  const std::int32_t mul = a.mul;
  const unsigned cols = a.cols;
  const Word* const w = a.w;
  const Word am = a.amask[0];
  const std::int32_t* const* const luts = a.luts;
  std::size_t n = 0;
  for (; n + kNB <= a.n; n += kNB) {
    Word xv[kNB];
    int base[kNB];
    std::int32_t* __restrict acc[kNB];
    for (std::size_t k = 0; k < kNB; ++k) {
      xv[k] = a.x[(n + k) * a.x_stride] & am;
      base[k] = Bip ? nact : nact - pc(xv[k]);  // t = base − m (bipolar) or base + 2·pc(x ∧ w)
      acc[k] = a.acc + (n + k) * a.acc_stride;
    }
    for (unsigned c = 0; c < cols; ++c) {
      const Word wv = w[c];
      const std::int32_t* lut = Exact ? nullptr : luts[c];
      for (std::size_t k = 0; k < kNB; ++k) {
        const int t = Bip ? base[k] - pc(xv[k] ^ wv) : base[k] + 2 * pc(xv[k] & wv);
        acc[k][c] += level<Bip, Exact>(lut, t, nact) * mul;
      }
    }
  }
  for (; n < a.n; ++n) {
    const Word xv = a.x[n * a.x_stride] & am;
    const int base = Bip ? nact : nact - pc(xv);
    std::int32_t* __restrict acc = a.acc + n * a.acc_stride;
    for (unsigned c = 0; c < cols; ++c) {
      const int t = Bip ? base - pc(xv ^ w[c]) : base + 2 * pc(xv & w[c]);
      acc[c] += level<Bip, Exact>(Exact ? nullptr : luts[c], t, nact) * mul;
    }
  }
}

template <bool Bip, bool Exact>
CIMVP_INLINE void parallel_multi(const KernelArgs& a) {
  const int nact = a.nact;
  const std::int32_t mul = a.mul;
  const unsigned cols = a.cols;
  const std::size_t wpc = a.wpc;
  const Word* const w = a.w;
  const Word* const amask = a.amask;
  const std::int32_t* const* const luts = a.luts;
  Word xm[kNB][kMaxWords];
  int base[kNB];
  std::int32_t* acc[kNB];
  for (std::size_t n = 0; n < a.n; n += kNB) {
    const std::size_t nb = std::min(kNB, a.n - n);
    for (std::size_t k = 0; k < kNB; ++k) {
      const Word* xn = a.x + (n + (k < nb ? k : 0)) * a.x_stride;  // a short block repeats vector n
      int px = 0;
      for (std::size_t i = 0; i < wpc; ++i) {
        xm[k][i] = xn[i] & amask[i];
        px += pc(xm[k][i]);
      }
      base[k] = Bip ? nact : nact - px;
      acc[k] = a.acc + (n + (k < nb ? k : 0)) * a.acc_stride;
    }
    for (unsigned c = 0; c < cols; ++c) {
      const Word* wc = w + c * wpc;
      int cnt[kNB] = {0, 0, 0, 0};
      for (std::size_t i = 0; i < wpc; ++i) {
        const Word wv = wc[i];
        for (std::size_t k = 0; k < kNB; ++k) cnt[k] += Bip ? pc(xm[k][i] ^ wv) : pc(xm[k][i] & wv);
      }
      const std::int32_t* lut = Exact ? nullptr : luts[c];
      for (std::size_t k = 0; k < nb; ++k) {
        const int t = Bip ? base[k] - cnt[k] : base[k] + 2 * cnt[k];  // PS + nact
        acc[k][c] += level<Bip, Exact>(lut, t, nact) * mul;
      }
    }
  }
}

template <bool Bip, bool One, bool Exact>
CIMVP_INLINE void parallel_kernel(const KernelArgs& a) {
  if constexpr (One) parallel_one<Bip, Exact>(a);
  else parallel_multi<Bip, Exact>(a);
}

// Groups of rows sensed one after the other; levels added digitally.
template <bool Bip>
CIMVP_INLINE void group_kernel(const KernelArgs& a) {
  const std::int32_t mul = a.mul;
  const unsigned cols = a.cols;
  const std::size_t wpc = a.wpc;
  const Word* const w = a.w;
  for (std::size_t n = 0; n < a.n; ++n) {
    const Word* xn = a.x + n * a.x_stride;
    std::int32_t* __restrict acc = a.acc + n * a.acc_stride;
    for (unsigned s = 0; s < a.nsegs; ++s) {
      const auto& pieces = a.pieces[s];
      const int ns = static_cast<int>(a.segs[s].rows);
      const std::int32_t* const* luts = a.luts + std::size_t{s} * cols;
      if (pieces.size() == 1) {
        const Word mask = pieces[0].mask;
        const std::size_t wi = pieces[0].word;
        const Word xv = xn[wi] & mask;
        const int base = Bip ? ns : ns - pc(xv);
        for (unsigned c = 0; c < cols; ++c) {
          const Word wv = w[c * wpc + wi];
          const int t = Bip ? base - pc(xv ^ (wv & mask)) : base + 2 * pc(xv & wv);
          acc[c] += luts[c][t] * mul;
        }
      } else {
        int px = 0;
        for (const auto& p : pieces) px += pc(xn[p.word] & p.mask);
        for (unsigned c = 0; c < cols; ++c) {
          const Word* wc = w + c * wpc;
          int cnt = 0;
          for (const auto& p : pieces)
            cnt += Bip ? pc((xn[p.word] ^ wc[p.word]) & p.mask) : pc(xn[p.word] & wc[p.word] & p.mask);
          const int t = Bip ? ns - cnt : 2 * cnt - px + ns;
          acc[c] += luts[c][t] * mul;
        }
      }
    }
  }
}

CIMVP_KERNEL void run_parallel(const KernelArgs& a, bool bip, bool exact) {
  const bool one = a.wpc == 1;
  if (bip) {
    if (one) {
      if (exact) parallel_kernel<true, true, true>(a);
      else parallel_kernel<true, true, false>(a);
    } else {
      if (exact) parallel_kernel<true, false, true>(a);
      else parallel_kernel<true, false, false>(a);
    }
  } else {
    if (one) {
      if (exact) parallel_kernel<false, true, true>(a);
      else parallel_kernel<false, true, false>(a);
    } else {
      if (exact) parallel_kernel<false, false, true>(a);
      else parallel_kernel<false, false, false>(a);
    }
  }
}

#ifdef CIMVP_AVX2_KERNEL
// AVX2 path of parallel_one (one word per column): 8 columns at a time.  For each vector of a
// block of kNB, the 8 columns' weight words (two 256-bit loads) are combined with the
// broadcast input word, counted with the nibble table (VPSHUFB) and summed per 64-bit lane
// (VPSADBW), the 8 counts packed to int32 lanes in column order; t as in parallel_one; the
// level is 2·PS (exact) or gathered from each column's look-up table (VPGATHERDD, offsets
// `lut_off` from luts[0]); the 8 accumulators are updated with one load/add/store.  The same
// integers as the scalar kernel: only the order of independent integer operations differs.
// popcount of each 64-bit lane of v
__attribute__((target("avx2"))) inline __m256i avx2_count4(__m256i v, __m256i nib, __m256i low, __m256i zero) {
  const __m256i lo = _mm256_and_si256(v, low);
  const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), low);
  return _mm256_sad_epu8(_mm256_add_epi8(_mm256_shuffle_epi8(nib, lo), _mm256_shuffle_epi8(nib, hi)), zero);
}

// The body of the SIMD kernels of parallel_one (one word per column), 8 columns per step;
// LOAD_W loads the 8 columns' weight words, COUNT8 gives their 8 counts as int32 lanes.
#define CIMVP_SIMD_PARALLEL_ONE(LOAD_W, COUNT8)                                                    \
  const int nact = a.nact;                                                                                     \
  const unsigned cols = a.cols, c8 = cols / 8 * 8;                                                             \
  const Word* const w = a.w;                                                                                   \
  const Word am = a.amask[0];                                                                                  \
  const std::int32_t* const lut0 = Exact ? nullptr : a.luts[0];                                                \
  const __m256i zero = _mm256_setzero_si256();                                                                 \
  const __m256i vnact = _mm256_set1_epi32(nact);                                                               \
  const __m128i shift = _mm_cvtsi32_si128(__builtin_ctz(static_cast<unsigned>(a.mul)));                        \
  for (std::size_t n = 0; n < a.n; n += kNB) {                                                                 \
    const std::size_t nb = std::min(kNB, a.n - n);                                                             \
    Word xv[kNB];                                                                                              \
    int base[kNB];                                                                                             \
    std::int32_t* acc[kNB];                                                                                    \
    for (std::size_t k = 0; k < nb; ++k) {                                                                     \
      xv[k] = a.x[(n + k) * a.x_stride] & am;                                                                  \
      base[k] = Bip ? nact : nact - pc(xv[k]);                                                                 \
      acc[k] = a.acc + (n + k) * a.acc_stride;                                                                 \
    }                                                                                                          \
    for (unsigned c = 0; c < c8; c += 8) {                                                                     \
      LOAD_W                                                                                                   \
      const __m256i off = Exact ? zero : _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lut_off + c));    \
      for (std::size_t k = 0; k < nb; ++k) {                                                                   \
        const long long xk = static_cast<long long>(xv[k]);                                                    \
        const __m256i cnt = COUNT8;                                                                            \
        const __m256i vb = _mm256_set1_epi32(base[k]);                                                         \
        const __m256i t = Bip ? _mm256_sub_epi32(vb, cnt) : _mm256_add_epi32(vb, _mm256_add_epi32(cnt, cnt));  \
        __m256i lv;                                                                                            \
        if constexpr (Exact) {                                                                                 \
          /* Bip: 2·(2t − nact); {0,1}: 2·(t − nact) */                                                        \
          const __m256i ps = Bip ? _mm256_sub_epi32(_mm256_add_epi32(t, t), vnact) : _mm256_sub_epi32(t, vnact); \
          lv = _mm256_add_epi32(ps, ps);                                                                       \
        } else {                                                                                               \
          lv = _mm256_i32gather_epi32(reinterpret_cast<const int*>(lut0), _mm256_add_epi32(off, t), 4);        \
        }                                                                                                      \
        __m256i* dst = reinterpret_cast<__m256i*>(acc[k] + c);                                                 \
        _mm256_storeu_si256(dst, _mm256_add_epi32(_mm256_loadu_si256(dst), _mm256_sll_epi32(lv, shift)));      \
      }                                                                                                        \
    }                                                                                                          \
    for (unsigned c = c8; c < cols; ++c) { /* column tail: as parallel_one */                                  \
      const Word wv = w[c];                                                                                    \
      const std::int32_t* lut = Exact ? nullptr : a.luts[c];                                                   \
      for (std::size_t k = 0; k < nb; ++k) {                                                                   \
        const int t = Bip ? base[k] - pc(xv[k] ^ wv) : base[k] + 2 * pc(xv[k] & wv);                           \
        acc[k][c] += level<Bip, Exact>(lut, t, nact) * a.mul;                                                  \
      }                                                                                                        \
    }                                                                                                          \
  }

template <bool Bip, bool Exact>
__attribute__((target("avx2,popcnt"))) void avx2_parallel_one(const KernelArgs& a, const std::int32_t* lut_off) {
  const __m256i nib = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2,
                                       3, 2, 3, 3, 4);
  const __m256i low = _mm256_set1_epi8(0x0F);
  const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);  // (lane0 lo, hi) pairs → columns 0..7
  // lanes (64-bit) of p0: columns c..c+3, of p1: c+4..c+7; counts < 2^32, packed to column order
  CIMVP_SIMD_PARALLEL_ONE(
      const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + c));
      const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + c + 4));,
      _mm256_permutevar8x32_epi32(
          _mm256_or_si256(
              avx2_count4(Bip ? _mm256_xor_si256(_mm256_set1_epi64x(xk), w0) : _mm256_and_si256(_mm256_set1_epi64x(xk), w0),
                          nib, low, zero),
              _mm256_slli_epi64(avx2_count4(Bip ? _mm256_xor_si256(_mm256_set1_epi64x(xk), w1)
                                                : _mm256_and_si256(_mm256_set1_epi64x(xk), w1),
                                            nib, low, zero),
                                32)),
          order))
}

// AVX-512 VPOPCNTDQ: the 8 columns' words in one 512-bit register, one VPOPCNTQ, the 8
// counts narrowed to 32-bit lanes (VPMOVQD); the rest as the AVX2 kernel.
template <bool Bip, bool Exact>
__attribute__((target("avx2,popcnt,avx512f,avx512vl,avx512vpopcntdq"))) void avx512_parallel_one(
    const KernelArgs& a, const std::int32_t* lut_off) {
  CIMVP_SIMD_PARALLEL_ONE(
      const __m512i w8 = _mm512_loadu_si512(static_cast<const void*>(w + c));,
      _mm512_maskz_cvtepi64_epi32(0xFF, _mm512_popcnt_epi64(Bip ? _mm512_xor_si512(_mm512_set1_epi64(xk), w8)
                                                    : _mm512_and_si512(_mm512_set1_epi64(xk), w8))))
}
#undef CIMVP_SIMD_PARALLEL_ONE

bool run_parallel_simd(const KernelArgs& a, bool bip, bool exact, const std::int32_t* lut_off, KernelIsa isa) {
  if (a.wpc != 1) return false;
  if (isa == KernelIsa::avx512) {
    if (bip) {
      if (exact) avx512_parallel_one<true, true>(a, lut_off);
      else avx512_parallel_one<true, false>(a, lut_off);
    } else {
      if (exact) avx512_parallel_one<false, true>(a, lut_off);
      else avx512_parallel_one<false, false>(a, lut_off);
    }
    return true;
  }
  if (bip) {
    if (exact) avx2_parallel_one<true, true>(a, lut_off);
    else avx2_parallel_one<true, false>(a, lut_off);
  } else {
    if (exact) avx2_parallel_one<false, true>(a, lut_off);
    else avx2_parallel_one<false, false>(a, lut_off);
  }
  return true;
}

KernelIsa detect_kernel_isa() {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("popcnt")) return KernelIsa::scalar;
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
      __builtin_cpu_supports("avx512vpopcntdq"))
    return KernelIsa::avx512;
  return KernelIsa::avx2;
}
#else
KernelIsa detect_kernel_isa() { return KernelIsa::scalar; }
#endif

const KernelIsa kBestKernelIsa = detect_kernel_isa();
std::atomic<KernelIsa> g_kernel_isa{kBestKernelIsa};

CIMVP_KERNEL void run_group(const KernelArgs& a, bool bip) {
  if (bip) group_kernel<true>(a);
  else group_kernel<false>(a);
}

}  // namespace

namespace {
// Ideal partial sums of every segment (calibration and the separable step 1).
CIMVP_KERNEL void run_partial_sums(const KernelArgs& a, bool bip, std::int32_t* ps) {
  const std::size_t S = a.nsegs;
  for (std::size_t n = 0; n < a.n; ++n) {
    const Word* xn = a.x + n * a.x_stride;
    for (std::size_t s = 0; s < S; ++s) {
      int px = 0;
      for (const auto& p : a.pieces[s]) px += pc(xn[p.word] & p.mask);
      const int ns = static_cast<int>(a.segs[s].rows);
      std::int32_t* out = ps + (n * S + s) * a.cols;
      for (unsigned c = 0; c < a.cols; ++c) {
        const Word* wc = a.w + c * a.wpc;
        int cnt = 0;
        for (const auto& p : a.pieces[s])
          cnt += bip ? pc((xn[p.word] ^ wc[p.word]) & p.mask) : pc(xn[p.word] & wc[p.word] & p.mask);
        out[c] = bip ? ns - 2 * cnt : 2 * cnt - px;
      }
    }
  }
}
}  // namespace

KernelIsa best_kernel_isa() { return kBestKernelIsa; }
KernelIsa kernel_isa() { return g_kernel_isa.load(std::memory_order_relaxed); }
void set_kernel_isa(KernelIsa isa) {
  if (static_cast<unsigned>(isa) > static_cast<unsigned>(kBestKernelIsa))
    throw std::invalid_argument(std::string("set_kernel_isa: ") + to_string(isa) + " not available on this CPU (best: " +
                                to_string(kBestKernelIsa) + ")");
  g_kernel_isa.store(isa, std::memory_order_relaxed);
}
const char* to_string(KernelIsa isa) {
  return isa == KernelIsa::avx512 ? "avx512" : isa == KernelIsa::avx2 ? "avx2" : "scalar";
}

void SubArray::partial_sums(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                            std::vector<std::int32_t>& ps) const {
  check_kind(kind);
  ps.assign(n_inputs * segs_.size() * n_cols_, 0);
  KernelArgs a{};
  a.x = x;
  a.x_stride = x_stride;
  a.n = n_inputs;
  a.w = wbits_.data();
  a.wpc = wpc_;
  a.cols = n_cols_;
  a.pieces = seg_pieces_.data();
  a.segs = segs_.data();
  a.nsegs = static_cast<unsigned>(segs_.size());
  run_partial_sums(a, kind == InputKind::bipolar, ps.data());
}

void SubArray::analog_partial_sums(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                                   const double* row_gain, std::vector<double>& out) const {
  check_kind(kind);
  const std::size_t S = segs_.size();
  const std::size_t C = cfg_.cols;
  out.assign(n_inputs * S * n_cols_, 0.0);
  std::vector<double> gw;
  const double* g = g_.data();
  if (g_.empty()) {
    gw.assign(w_.begin(), w_.end());
    g = gw.data();
  }
  const bool bip = kind == InputKind::bipolar;
  for (std::size_t n = 0; n < n_inputs; ++n) {
    const Word* xn = x + n * x_stride;
    for (std::size_t s = 0; s < S; ++s) {
      double* o = out.data() + (n * S + s) * n_cols_;
      for (unsigned r = segs_[s].first_row; r < segs_[s].first_row + segs_[s].rows; ++r) {
        const bool bit = (xn[r / kWordBits] >> (r % kWordBits)) & 1u;
        if (!bip && !bit) continue;  // word line not driven
        double coef = bip && !bit ? -1.0 : 1.0;
        if (row_gain) coef *= row_gain[r];
        const double* gr = g + r * C;
        for (unsigned c = 0; c < n_cols_; ++c) o[c] += coef * gr[c];
      }
    }
  }
}

void SubArray::accumulate(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                          const SenseTable& sense, unsigned shift, std::int32_t* acc, std::size_t acc_stride,
                          ArrayActivity* activity, const ConversionNoise* noise) const {
  check_kind(kind);
  if (shift > 23) throw std::invalid_argument("SubArray::accumulate: shift " + std::to_string(shift) + " > 23");
  const bool bip = kind == InputKind::bipolar;
  const std::int32_t mul = std::int32_t{1} << shift;
  if (activity) *activity += this->activity(x, x_stride, n_inputs, kind);

  KernelArgs a{};
  a.x = x;
  a.x_stride = x_stride;
  a.n = n_inputs;
  a.w = wbits_.data();
  a.wpc = wpc_;
  a.cols = n_cols_;
  a.nact = static_cast<int>(n_rows_);
  a.amask = active_mask_.data();
  a.mul = mul;
  a.acc = acc;
  a.acc_stride = acc_stride;

  const KernelIsa isa = g_kernel_isa.load(std::memory_order_relaxed);
  const bool simd = isa != KernelIsa::scalar && wpc_ == 1;
  if (cfg_.access == AccessMode::row_by_row) {  // digital, exact: one popcount over the rows
#ifdef CIMVP_AVX2_KERNEL
    if (simd && run_parallel_simd(a, bip, true, nullptr, isa)) return;
#endif
    run_parallel(a, bip, true);
    return;
  }
  check_sense(kind, sense);
  const std::size_t S = segs_.size();
  const bool noisy = noise != nullptr && noise->sigma > 0.0;
  if (!factors_.empty() || noisy) {  // analog path: per-cell factors and/or noise, sensing on real values
    std::vector<double> v;
    for (std::size_t n = 0; n < n_inputs; ++n) {
      analog_partial_sums(x + n * x_stride, x_stride, 1, kind, nullptr, v);
      std::int32_t* accn = acc + n * acc_stride;
      for (std::size_t s = 0; s < S; ++s)
        for (unsigned c = 0; c < n_cols_; ++c) {
          double value = v[s * n_cols_ + c];
          if (noisy)
            value += adc_noise(noise->sigma, noise->seed, noise->layer, noise->row_block, noise->col_block,
                               noise->plane, static_cast<unsigned>(s) * kMaxSubArrayCols + c,
                               noise->first_vector + n);
          accn[c] += sense.sense(static_cast<unsigned>(s), c, value) * mul;
        }
    }
    return;
  }
#ifdef CIMVP_AVX2_KERNEL
  if (cfg_.access == AccessMode::parallel && simd && n_cols_ % 8 == 0) {
    // the SIMD kernels gather from column 0's table at the columns' offsets (SenseTable keeps
    // them: nothing to set up per call); without a column tail they read no other pointer
    const std::int32_t* const lut0 = sense.lut(0, 0);
    a.luts = &lut0;
    if (run_parallel_simd(a, bip, false, sense.lut_offsets(0), isa)) return;
  }
#endif
  // per-thread scratch, reused: no allocation per call (a two-pass tile makes many small calls)
  thread_local std::vector<const std::int32_t*> luts;
  luts.resize(S * n_cols_);
  for (std::size_t s = 0; s < S; ++s)
    for (unsigned c = 0; c < n_cols_; ++c) luts[s * n_cols_ + c] = sense.lut(static_cast<unsigned>(s), c);
  a.luts = luts.data();
  if (cfg_.access == AccessMode::parallel) {
#ifdef CIMVP_AVX2_KERNEL
    if (simd) {
      if (run_parallel_simd(a, bip, false, sense.lut_offsets(0), isa)) return;
    }
#endif
    run_parallel(a, bip, false);
  } else {
    a.pieces = seg_pieces_.data();
    a.segs = segs_.data();
    a.nsegs = static_cast<unsigned>(S);
    run_group(a, bip);
  }
}

void SubArray::supported_partial_sums(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                                      const SubArrayDrive& d, std::vector<std::int32_t>& ps) const {
  check_kind(kind);
  check_drive(d);
  const bool bip = kind == InputKind::bipolar;
  const std::size_t S = segs_.size(), P = d.pieces().size();
  ps.assign(n_inputs * S * n_cols_, 0);
  std::vector<int> px(P);
  for (std::size_t n = 0; n < n_inputs; ++n) {
    const Word* xn = x + n * x_stride;
    for (std::size_t i = 0; i < P; ++i) {
      int cnt = 0;
      for (const auto& w : d.pieces()[i].words) cnt += pc(xn[w.word] & w.mask);
      px[i] = cnt;
    }
    std::int32_t* out = ps.data() + n * S * n_cols_;
    for (unsigned c = 0; c < n_cols_; ++c) {
      const Word* wc = wbits_.data() + c * wpc_;
      for (std::size_t i = 0; i < P; ++i) {
        const auto& piece = d.pieces()[i];
        int cnt = 0;
        for (const auto& w : piece.words)
          cnt += bip ? pc((xn[w.word] ^ wc[w.word]) & w.mask) : pc(xn[w.word] & wc[w.word] & w.mask);
        const int v = bip ? static_cast<int>(piece.rows) - 2 * cnt : 2 * cnt - px[i];
        out[std::size_t{piece.segment} * n_cols_ + c] += d.level(c, i) * v;
      }
    }
  }
}

void SubArray::accumulate_supported(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                                    const SubArrayDrive& d, const SenseTable& sense, unsigned shift, std::int32_t* acc,
                                    std::size_t acc_stride, ArrayActivity* activity,
                                    const ConversionNoise* noise) const {
  check_kind(kind);
  check_drive(d);
  check_sense(kind, sense, &d);
  if (shift > 23)
    throw std::invalid_argument("SubArray::accumulate_supported: shift " + std::to_string(shift) + " > 23");
  const std::int32_t mul = std::int32_t{1} << shift;
  const bool bip = kind == InputKind::bipolar;
  const std::size_t S = segs_.size(), P = d.pieces().size();
  if (activity) {
    ArrayActivity a = this->activity(x, x_stride, n_inputs, kind);  // one read per vector and segment
    const std::uint64_t G = d.groups();
    a.array_reads *= G;
    a.wordline_activations *= G;
    a.dac_programmings = G;
    a.dac_conversions = d.dac_conversions();
    a.support_reads = d.support_reads();
    *activity += a;
  }
  const bool noisy = noise != nullptr && noise->sigma > 0.0;
  if (d.analog() || !factors_.empty() || noisy) {  // analog path: real-valued bit-line sums
    std::vector<double> v(S * n_cols_);
    const std::size_t C = cfg_.cols;
    for (std::size_t n = 0; n < n_inputs; ++n) {
      const Word* xn = x + n * x_stride;
      std::fill(v.begin(), v.end(), 0.0);
      for (std::size_t i = 0; i < P; ++i) {
        const auto& piece = d.pieces()[i];
        double* o = v.data() + std::size_t{piece.segment} * n_cols_;
        for (unsigned r = piece.first_row; r < piece.first_row + piece.rows; ++r) {
          const bool bit = (xn[r / kWordBits] >> (r % kWordBits)) & 1u;
          if (!bip && !bit) continue;  // word line not driven
          double coef = bip && !bit ? -1.0 : 1.0;
          if (d.analog()) coef *= d.gains()[r];
          for (unsigned c = 0; c < n_cols_; ++c) {
            const double cell = factors_.empty() ? w_[std::size_t{r} * C + c] : g_[std::size_t{r} * C + c];
            o[c] += coef * d.level(c, i) * cell;
          }
        }
      }
      std::int32_t* accn = acc + n * acc_stride;
      for (std::size_t s = 0; s < S; ++s)
        for (unsigned c = 0; c < n_cols_; ++c) {
          double value = v[s * n_cols_ + c];
          if (noisy)
            value += adc_noise(noise->sigma, noise->seed, noise->layer, noise->row_block, noise->col_block,
                               noise->plane, static_cast<unsigned>(s) * kMaxSubArrayCols + c, noise->first_vector + n);
          accn[c] += sense.sense(static_cast<unsigned>(s), c, value) * mul;
        }
    }
    return;
  }
  std::vector<std::int32_t> ps;
  std::vector<const std::int32_t*> luts(S * n_cols_);
  std::vector<PsRange> ranges(S);
  for (std::size_t s = 0; s < S; ++s) {
    ranges[s] = sense.quantizer(static_cast<unsigned>(s)).range();
    for (unsigned c = 0; c < n_cols_; ++c) luts[s * n_cols_ + c] = sense.lut(static_cast<unsigned>(s), c);
  }
  constexpr std::size_t kBlock = 64;  // vectors per partial-sum pass
  for (std::size_t n0 = 0; n0 < n_inputs; n0 += kBlock) {
    const std::size_t nb = std::min(kBlock, n_inputs - n0);
    supported_partial_sums(x + n0 * x_stride, x_stride, nb, kind, d, ps);
    for (std::size_t n = 0; n < nb; ++n) {
      std::int32_t* accn = acc + (n0 + n) * acc_stride;
      for (std::size_t s = 0; s < S; ++s) {
        const PsRange& r = ranges[s];
        const std::int32_t* psn = ps.data() + (n * S + s) * n_cols_;
        for (unsigned c = 0; c < n_cols_; ++c)
          accn[c] += luts[s * n_cols_ + c][(psn[c] - r.lo) / r.step] * mul;
      }
    }
  }
}

ArrayActivity SubArray::activity(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind) const {
  check_kind(kind);
  ArrayActivity act;
  const std::uint64_t n = n_inputs, R = n_rows_, C = n_cols_, S = segs_.size();
  act.binary_macs = n * R * C;
  if (cfg_.access == AccessMode::row_by_row) {
    act.array_reads = n * R;
    act.wordline_activations = n * R;
    act.sa_reads = n * R * C;
    act.accumulations = n * R * C;
    return act;
  }
  act.array_reads = n * S;
  act.mlsa_conversions = n * S * C;
  act.accumulations = n * S * C;
  if (kind == InputKind::bipolar) {
    act.wordline_activations = n * R;  // every active row drives WL or WLB
  } else {
    act.wordline_activations = count_driven(x, x_stride, n_inputs, active_mask_.data(), wpc_);
  }
  return act;
}

void SubArray::transposed_mac(const std::int32_t* e, std::size_t e_stride, std::size_t n_inputs, std::int64_t* out,
                              std::size_t out_stride) const {
  if (n_rows_ == 0) throw std::logic_error("SubArray: evaluated before program()");
  for (std::size_t n = 0; n < n_inputs; ++n) {
    const std::int32_t* en = e + n * e_stride;
    std::int64_t* on = out + n * out_stride;
    for (unsigned r = 0; r < n_rows_; ++r) {
      const std::int8_t* wr = w_.data() + std::size_t{r} * cfg_.cols;
      std::int64_t s = 0;
      for (unsigned c = 0; c < n_cols_; ++c) s += std::int64_t{wr[c]} * en[c];
      on[r] = s;
    }
  }
}

}  // namespace cimvp
