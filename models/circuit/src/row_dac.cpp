#include "cimvp/circuit/row_dac.h"
#include "cimvp/circuit/support_bank.h"

#include "cimvp/circuit/random.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <sstream>
#include <stdexcept>

namespace cimvp {

const char* to_string(DriveKind k) {
  switch (k) {
    case DriveKind::binary: return "binary";
    case DriveKind::row_dac: return "row_dac";
  }
  return "?";
}

DriveKind parse_drive_kind(const std::string& s) {
  if (s == "binary") return DriveKind::binary;
  if (s == "row_dac") return DriveKind::row_dac;
  throw std::invalid_argument("drive kind '" + s + "': expected binary|row_dac");
}

void RowDacConfig::validate() const {
  if (bits < 1 || bits > kMaxDacBits)
    throw std::invalid_argument("RowDacConfig.bits = " + std::to_string(bits) + ": expected 1.." +
                                std::to_string(kMaxDacBits));
  if (!(mismatch_sigma >= 0.0 && mismatch_sigma <= kMaxRelativeSigma)) {
    std::ostringstream os;
    os << "RowDacConfig.mismatch_sigma = " << mismatch_sigma << ": expected 0 .. " << kMaxRelativeSigma
       << " (relative sigma of the gain)";
    throw std::invalid_argument(os.str());
  }
}

namespace {
void check_bits(unsigned support_bits, unsigned dac_bits) {
  if (support_bits < 1 || support_bits > kMaxSupportBits)
    throw std::invalid_argument("support bits = " + std::to_string(support_bits) + ": expected 1.." +
                                std::to_string(kMaxSupportBits));
  if (dac_bits < 1 || dac_bits > kMaxDacBits)
    throw std::invalid_argument("DAC bits = " + std::to_string(dac_bits) + ": expected 1.." +
                                std::to_string(kMaxDacBits));
}
}  // namespace

unsigned dac_lsb(unsigned support_bits, unsigned dac_bits) {
  check_bits(support_bits, dac_bits);
  return support_bits > dac_bits ? 1u << (support_bits - dac_bits) : 1u;
}

unsigned dac_drive(unsigned code, unsigned support_bits, unsigned dac_bits) {
  const unsigned lsb = dac_lsb(support_bits, dac_bits);
  if (code > (1u << support_bits) - 1u)
    throw std::invalid_argument("support code " + std::to_string(code) + ": expected 0.." +
                                std::to_string((1u << support_bits) - 1u));
  return code / lsb * lsb;
}

unsigned dac_full_scale(unsigned support_bits, unsigned dac_bits) {
  check_bits(support_bits, dac_bits);
  return dac_drive((1u << support_bits) - 1u, support_bits, dac_bits);
}

PsRange drive_range(unsigned rows, InputKind kind, const DriveRange& d) {
  if (!d.supported()) return PsRange::of(rows, kind);
  if (d.lsb == 0 || d.full_scale % d.lsb != 0)
    throw std::invalid_argument("drive range: full scale " + std::to_string(d.full_scale) +
                                " is not a multiple of the LSB " + std::to_string(d.lsb));
  const long span = static_cast<long>(rows) * d.full_scale;
  return PsRange{static_cast<int>(-span), static_cast<int>(d.lsb), static_cast<unsigned>(2 * span / d.lsb + 1)};
}

// ---------------------------------------------------------------- SubArrayDrive

SubArrayDrive::SubArrayDrive(const SubArray& sub, const SupportShape& shape, const std::vector<std::uint8_t>& eff,
                             unsigned row0, unsigned col0, unsigned dac_bits, std::vector<double> gains)
    : gains_(std::move(gains)) {
  range_ = DriveRange::of(shape.bits, dac_bits);
  if (sub.config().access == AccessMode::row_by_row)
    throw std::invalid_argument("row DAC: row_by_row access has no analog row drive (use parallel or group)");
  const unsigned nr = sub.active_rows(), nc = sub.active_cols(), p = shape.block_rows, B = shape.blocks();
  if (nr == 0 || p == 0) throw std::invalid_argument("row DAC: unprogrammed sub-array or no supports");
  if (row0 + nr > shape.inputs || col0 + nc > shape.outputs)
    throw std::invalid_argument("row DAC: sub-array rows/columns outside the layer's supports");
  if (eff.size() != std::size_t{shape.outputs} * B)
    throw std::invalid_argument("row DAC: " + std::to_string(eff.size()) + " support codes, expected " +
                                std::to_string(std::size_t{shape.outputs} * B));
  if (!gains_.empty() && gains_.size() != sub.config().rows)
    throw std::invalid_argument("row DAC: " + std::to_string(gains_.size()) + " row gains, expected " +
                                std::to_string(sub.config().rows));
  const unsigned b0 = row0 / p, b1 = (row0 + nr - 1) / p;  // blocks meeting the rows
  const unsigned nblk = b1 - b0 + 1;
  const auto& segs = sub.segments();
  for (unsigned s = 0; s < segs.size(); ++s) {
    unsigned a = segs[s].first_row;
    const unsigned end = a + segs[s].rows;
    while (a < end) {
      const unsigned blk = (row0 + a) / p;
      const unsigned stop = std::min(end, (blk + 1) * p - row0);
      Piece pc;
      pc.first_row = a;
      pc.rows = stop - a;
      pc.segment = s;
      pc.block = blk - b0;
      for (unsigned wd = a / kWordBits; wd * kWordBits < stop; ++wd) {
        const unsigned lo = std::max(a, wd * kWordBits) - wd * kWordBits;
        const unsigned hi = std::min(stop, (wd + 1) * kWordBits) - wd * kWordBits;
        pc.words.push_back(SubArray::Piece{wd, low_mask(hi) & ~low_mask(lo)});
      }
      pieces_.push_back(std::move(pc));
      a = stop;
    }
  }
  // Drive levels per column and block; groups by equal level vectors.
  std::vector<int> blk_level(std::size_t{nc} * nblk);
  for (unsigned c = 0; c < nc; ++c)
    for (unsigned b = 0; b < nblk; ++b)
      blk_level[std::size_t{c} * nblk + b] =
          static_cast<int>(dac_drive(eff[std::size_t{col0 + c} * B + b0 + b], shape.bits, dac_bits));
  levels_.resize(std::size_t{nc} * pieces_.size());
  for (unsigned c = 0; c < nc; ++c)
    for (std::size_t i = 0; i < pieces_.size(); ++i)
      levels_[std::size_t{c} * pieces_.size() + i] = blk_level[std::size_t{c} * nblk + pieces_[i].block];
  std::vector<unsigned> rows_in(nblk, 0);  // active rows of each block in this sub-array
  for (unsigned r = 0; r < nr; ++r) ++rows_in[(row0 + r) / p - b0];
  std::map<std::vector<int>, unsigned> seen;
  std::vector<unsigned> rep;  // representative column of each group
  group_of_.resize(nc);
  for (unsigned c = 0; c < nc; ++c) {
    std::vector<int> key(blk_level.begin() + std::size_t{c} * nblk, blk_level.begin() + std::size_t{c + 1} * nblk);
    auto it = seen.find(key);
    if (it == seen.end()) {
      it = seen.emplace(std::move(key), static_cast<unsigned>(rep.size())).first;
      rep.push_back(c);
    }
    group_of_[c] = it->second;
  }
  groups_ = static_cast<unsigned>(rep.size());
  support_reads_ = std::uint64_t{groups_} * nblk;
  dac_conversions_ = nr;  // first programming: every active row
  for (unsigned g = 1; g < groups_; ++g)
    for (unsigned b = 0; b < nblk; ++b)
      if (blk_level[std::size_t{rep[g]} * nblk + b] != blk_level[std::size_t{rep[g - 1]} * nblk + b])
        dac_conversions_ += rows_in[b];
}

// ---------------------------------------------------------------- SupportBank

SupportBank::SupportBank(const ArrayBank& arrays, LayerSupports sup, const RowDacConfig& dac, std::uint64_t layer_id,
                         unsigned drop_permille)
    : nrb_(arrays.row_blocks()), ncb_(arrays.col_blocks()), sup_(std::move(sup)), dac_(dac), layer_(layer_id) {
  dac_.validate();
  validate_supports(sup_.shape, sup_.codes, sup_.default_code);
  if (sup_.shape.inputs != arrays.inputs() || sup_.shape.outputs != arrays.outputs())
    throw std::invalid_argument("supports of a " + std::to_string(sup_.shape.outputs) + "x" +
                                std::to_string(sup_.shape.inputs) + " layer for a " + std::to_string(arrays.outputs()) +
                                "x" + std::to_string(arrays.inputs()) + " array bank");
  const unsigned R = arrays.config().rows;
  gains_.resize(std::size_t{nrb_} * ncb_);
  if (dac_.mismatch_sigma > 0.0) {
    for (unsigned rb = 0; rb < nrb_; ++rb)
      for (unsigned cb = 0; cb < ncb_; ++cb) {
        std::mt19937_64 rng(derive_seed(dac_.seed, {kStreamDacMismatch, layer_, rb, cb}));
        Gaussian gauss;
        auto& g = gains_[std::size_t{rb} * ncb_ + cb];
        g.resize(R);
        for (double& v : g) v = truncated_gain(dac_.mismatch_sigma, rng, gauss);  // drive never negative
      }
  }
  set_drop_level(arrays, drop_permille);
}

void SupportBank::set_drop_level(const ArrayBank& arrays, unsigned drop_permille) {
  eff_ = effective_supports(sup_.shape, sup_.codes, sup_.default_code, drop_permille);
  drop_ = drop_permille;
  build(arrays);
}

void SupportBank::build(const ArrayBank& arrays) {
  if (arrays.row_blocks() != nrb_ || arrays.col_blocks() != ncb_)
    throw std::invalid_argument("SupportBank: array bank of another shape");
  const unsigned R = arrays.config().rows, C = arrays.config().cols;
  drives_.clear();
  drives_.reserve(std::size_t{nrb_} * ncb_);
  for (unsigned rb = 0; rb < nrb_; ++rb)
    for (unsigned cb = 0; cb < ncb_; ++cb)
      drives_.emplace_back(arrays.sub_array(rb, cb), sup_.shape, eff_, rb * R, cb * C, dac_.bits,
                           gains_[std::size_t{rb} * ncb_ + cb]);
}

}  // namespace cimvp
