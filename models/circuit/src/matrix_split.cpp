#include "cimvp/circuit/matrix_split.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {

[[noreturn]] void bad(const char* field, long long value, const char* allowed) {
  std::ostringstream os;
  os << "SplitConfig." << field << " = " << value << ": expected " << allowed;
  throw std::invalid_argument(os.str());
}

unsigned ceil_log2(std::uint64_t d) {  // smallest n with 2^n >= d (d >= 1)
  unsigned n = 0;
  while (n < 64 && (std::uint64_t{1} << n) < d) ++n;
  return n;
}

constexpr std::int64_t kLimit = std::int64_t{1} << 61;

}  // namespace

PartialSumBits partial_sum_bits(std::uint64_t rows, std::int64_t x_lo, std::int64_t x_hi, std::int64_t w_lo,
                                std::int64_t w_hi, bool bipolar_both) {
  if (rows == 0) throw std::invalid_argument("partial_sum_bits: rows must be >= 1");
  if (x_lo > x_hi || w_lo > w_hi) throw std::invalid_argument("partial_sum_bits: empty input or weight interval");
  const std::int64_t lim = std::int64_t{1} << 30;
  if (x_lo < -lim || x_hi > lim || w_lo < -lim || w_hi > lim)
    throw std::invalid_argument("partial_sum_bits: inputs and weights must lie within ±2^30");
  const std::int64_t c[] = {x_lo * w_lo, x_lo * w_hi, x_hi * w_lo, x_hi * w_hi};
  const std::int64_t p_lo = *std::min_element(c, c + 4), p_hi = *std::max_element(c, c + 4);
  const std::int64_t span = p_hi - p_lo;
  const std::int64_t p_abs = std::max(-p_lo, p_hi);
  if (p_abs > 0 && rows > static_cast<std::uint64_t>(kLimit / p_abs))
    throw std::invalid_argument("partial_sum_bits: sums exceed ±2^61");
  PartialSumBits b;
  const auto r = static_cast<std::int64_t>(rows);
  b.lo = r * p_lo;
  b.hi = r * p_hi;
  b.step = (bipolar_both && span > 0) ? 2 : 1;
  b.values = static_cast<std::uint64_t>((b.hi - b.lo) / b.step) + 1;
  b.code_bits = ceil_log2(b.values);
  unsigned n = 1;
  while (!(-(std::int64_t{1} << (n - 1)) <= b.lo && b.hi <= (std::int64_t{1} << (n - 1)) - 1)) ++n;
  b.word_bits = n;
  return b;
}

std::int64_t RowInput::lo() const {
  return bits == 1 && kind == InputKind::bipolar ? -1 : 0;
}
std::int64_t RowInput::hi() const { return bits == 1 ? 1 : (std::int64_t{1} << bits) - 1; }

void SplitConfig::validate() const {
  if (xbar_rows < 1 || xbar_rows > 65536) bad("xbar_rows", xbar_rows, "1 .. 65536");
  if (xbar_cols < 1 || xbar_cols > 65536) bad("xbar_cols", xbar_cols, "1 .. 65536");
  if (weight_bits < 1 || weight_bits > 16) bad("weight_bits", weight_bits, "1 .. 16");
  if (cell_bits < 1 || cell_bits > 8) bad("cell_bits", cell_bits, "1 .. 8");
  if (input.bits < 1 || input.bits > 16) bad("input.bits", input.bits, "1 .. 16");
  if (max_adc_bits < 1 || max_adc_bits > 16) bad("max_adc_bits", max_adc_bits, "1 .. 16");
  if (scheme != RramWeightScheme::differential_pair && scheme != RramWeightScheme::reference_column)
    bad("scheme", static_cast<long long>(scheme), "differential|reference");
  const unsigned cpw = scheme == RramWeightScheme::differential_pair ? 2 : 1;
  const unsigned ref = scheme == RramWeightScheme::reference_column ? 1 : 0;
  if (xbar_cols < cpw + ref)
    bad("xbar_cols", xbar_cols, scheme == RramWeightScheme::differential_pair ? ">= 2 (one differential pair)"
                                                                              : ">= 2 (one column + the reference column)");
}

unsigned SplitConfig::slices() const { return weight_bits == 1 ? 1 : weight_slices(magnitude_bits(), cell_bits); }

MatrixSplit split_matrix(std::size_t k, std::size_t m, const SplitConfig& cfg) {
  cfg.validate();
  if (k == 0 || m == 0) throw std::invalid_argument("split_matrix: a layer needs K >= 1 rows and M >= 1 columns");
  MatrixSplit s;
  s.k = k;
  s.m = m;
  s.slices = cfg.slices();
  const unsigned cpw = cfg.scheme == RramWeightScheme::differential_pair ? 2 : 1;
  const unsigned ref = cfg.scheme == RramWeightScheme::reference_column ? 1 : 0;
  s.slice_cols_per_xbar = (cfg.xbar_cols - ref) / cpw;
  const std::size_t slice_cols = m * s.slices;
  s.row_blocks = static_cast<unsigned>((k + cfg.xbar_rows - 1) / cfg.xbar_rows);
  s.col_blocks = static_cast<unsigned>((slice_cols + s.slice_cols_per_xbar - 1) / s.slice_cols_per_xbar);
  s.last_block_rows = static_cast<unsigned>(k - std::size_t{s.row_blocks - 1} * cfg.xbar_rows);
  s.crossbars = std::size_t{s.row_blocks} * s.col_blocks;
  s.cells_used = k * slice_cols * cpw + (ref ? k * s.col_blocks : 0);
  s.cells_allocated = s.crossbars * cfg.xbar_rows * cfg.xbar_cols;

  // Weight range of one slice and of the whole weight.
  std::int64_t w_slice, w_full;
  if (cfg.weight_bits == 1) {
    w_slice = w_full = 1;
  } else {
    w_slice = (std::int64_t{1} << std::min(cfg.cell_bits, cfg.magnitude_bits())) - 1;
    w_full = (std::int64_t{1} << cfg.magnitude_bits()) - 1;
  }
  const bool pm1 = cfg.weight_bits == 1 && cfg.input.bits == 1 && cfg.input.kind == InputKind::bipolar;
  const std::size_t block_rows = std::min<std::size_t>(k, cfg.xbar_rows);
  s.block_ps = partial_sum_bits(block_rows, cfg.input.lo(), cfg.input.hi(), -w_slice, w_slice, pm1);
  s.column_ps = partial_sum_bits(k, cfg.input.lo(), cfg.input.hi(), -w_slice, w_slice, pm1);
  s.result_ps = partial_sum_bits(k, cfg.input.lo(), cfg.input.hi(), -w_full, w_full, pm1);

  s.sense_amp = cfg.binary_output && s.row_blocks == 1 && s.slices == 1;
  if (s.sense_amp) {
    s.sense_bits = 1;
    s.exact = true;  // the SA decides the thresholded output exactly
  } else {
    s.sense_bits = std::max(1u, std::min(s.block_ps.code_bits, cfg.max_adc_bits));
    s.exact = s.block_ps.code_bits <= cfg.max_adc_bits;
  }
  s.converters = m * s.slices * s.row_blocks;
  s.row_drivers = k * s.col_blocks;
  return s;
}

MatrixSplit split_conv(const ConvShape& shape, const SplitConfig& cfg) {
  const std::string err = shape.check();
  if (!err.empty()) throw std::invalid_argument("split_conv: " + err);
  return split_matrix(shape.window_rows(), shape.out_c, cfg);
}

}  // namespace cimvp
