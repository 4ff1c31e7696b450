// Row DAC of Supported-BinaryNet (Nasrin et al.; docs/supported-binarynet.md, "Row DAC"):
// the word line of row r is driven with a current proportional to the support of the p×1
// block that row r belongs to, so the bit line of column c sums
//     PS_c = Σ_r drive(s_{c, block(r)}) · w_{r,c} · x_r          (over the rows sensed together)
// instead of Σ_r w·x.  Word lines are shared by all columns of a sub-array, so a sub-array
// whose columns carry different supports is read through column select: the row DACs are
// programmed once per group of columns whose DAC inputs over the sub-array's rows are equal,
// and only that group's columns are sensed by that read (SubArrayDrive below).
//
// Quantization (dac_drive): a b_d-bit DAC fed with a b_s-bit support code converts the b_d
// most significant bits of the code and keeps their weight:
//     drive(s) = s                                   when b_d >= b_s (exact: drive == code)
//     drive(s) = ⌊s / 2^(b_s−b_d)⌋ · 2^(b_s−b_d)      otherwise (LSBs truncated)
// so drive levels are integer multiples of the DAC LSB 2^max(0, b_s−b_d) and the full scale
// is drive(2^b_s − 1).  Integer drive levels keep the bit-line sum an integer and the ADC
// look-up path exact; the reachable partial sums of n rows are
//     supported_range(n) = {−n·FS, …, n·FS} step LSB        (FS = full scale)
// (a superset of what the codes of a given layer reach: the converter is built for the DAC,
// not for the data).
//
// Mismatch (DAC transistor V_TH variation, the seed's Fig. 6): every row DAC of sub-array
// (rb, cb) of layer l has a gain 1 + N(0, σ) (relative), drawn row by row from
// std::mt19937_64(derive_seed(seed, {kStreamDacMismatch = 7, l, rb, cb})); the drive of row r
// becomes drive(s)·gain_r and the read takes the analog path (real-valued bit-line sums,
// the converter applied per value), exactly as cell variation does.
//
// Read schedule of one sub-array read call (n vectors, one plane): groups in the order of
// their lowest column; per group one DAC programming, then n·S reads (S sensing segments)
// that sense only the group's columns.  Counted per call:
//   dac_programmings = G (groups),
//   dac_conversions  = rows whose DAC input differs from the previous programming of the
//                      call; the first programming converts every active row (the state
//                      left by the previous call — another layer or plane — is not assumed).
//                      Chosen over "all rows per programming" because a current-steering
//                      row DAC with a latched input only switches (and spends dynamic energy
//                      and settling time) when its input changes; dropped supports that give
//                      neighbouring groups equal codes therefore also save conversions.
//   support_reads    = support codes read from the support buffer: per programming one code
//                      per support block that meets the sub-array's rows.
//   array reads n·S·G, converter conversions n·S·C (each column once per segment).
// Layer 1: plain C++17, no SystemC.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/sub_array.h"
#include "cimvp/circuit/supports.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// First id of derive_seed for the row DAC gains (streams 1–4: sensing and cells, 5: reserved
/// for stuck-at cell faults).
constexpr std::uint64_t kStreamDacMismatch = 7;
constexpr unsigned kMaxDacBits = 8;

/// How the word lines are driven (cim.drive.kind).
enum class DriveKind : std::uint8_t {
  binary = 0,   ///< plain word lines: a driven row contributes ±1 (Liu et al.)
  row_dac = 1,  ///< row DAC + support buffer (Nasrin et al.)
};
const char* to_string(DriveKind k);
/// Parses "binary" | "row_dac"; throws std::invalid_argument naming the allowed values.
DriveKind parse_drive_kind(const std::string& s);

/// Configuration of the row DACs.
struct RowDacConfig {
  unsigned bits = 8;            ///< b_d, 1..8
  double mismatch_sigma = 0.0;  ///< relative σ of each row DAC's gain (>= 0, finite)
  std::uint64_t seed = 1;       ///< seed of the gains (stream kStreamDacMismatch)
  /// Throws std::invalid_argument naming the field and the allowed values.
  void validate() const;
};

/// DAC LSB in code units: 2^max(0, b_s − b_d).
unsigned dac_lsb(unsigned support_bits, unsigned dac_bits);
/// Drive level of `code` (see the file comment).  Throws std::invalid_argument for bits out
/// of range or a code > 2^b_s − 1.
unsigned dac_drive(unsigned code, unsigned support_bits, unsigned dac_bits);
/// drive(2^b_s − 1).
unsigned dac_full_scale(unsigned support_bits, unsigned dac_bits);

/// Full scale and LSB of the drive (0 full scale: binary word lines).
struct DriveRange {
  unsigned full_scale = 0;
  unsigned lsb = 1;
  bool supported() const { return full_scale > 0; }
  static DriveRange of(unsigned support_bits, unsigned dac_bits) {
    return {dac_full_scale(support_bits, dac_bits), dac_lsb(support_bits, dac_bits)};
  }
};
/// Reachable partial sums of `rows` rows: PsRange::of(rows, kind) for binary drive, else
/// {−rows·FS … rows·FS step LSB}.
PsRange drive_range(unsigned rows, InputKind kind, const DriveRange& d);

/// The supports of one layer as stored (codes of every neuron and block).
struct LayerSupports {
  SupportShape shape;
  std::vector<std::uint8_t> codes;  ///< M × B
  std::uint8_t default_code = 0;
};

/// The row-DAC drive of one sub-array: drive level per (active column, support piece), the
/// row gains, the column groups of the read schedule and its counts (file comment).
class SubArrayDrive {
 public:
  /// A run of rows [first_row, first_row + rows) of one sensing segment inside one support
  /// block, with its bit masks.
  struct Piece {
    unsigned first_row = 0, rows = 0, segment = 0, block = 0;  ///< block: index within the sub-array's blocks
    std::vector<SubArray::Piece> words;
  };
  SubArrayDrive() = default;
  /// sub: the programmed sub-array (segments, active rows/cols); row0 / col0: its first input
  /// k and neuron j in the layer; eff_codes: the layer's codes in effect (M × B); gains: R
  /// row gains or empty (ideal).  Throws std::invalid_argument.
  SubArrayDrive(const SubArray& sub, const SupportShape& shape, const std::vector<std::uint8_t>& eff_codes,
                unsigned row0, unsigned col0, unsigned dac_bits, std::vector<double> gains);

  const std::vector<Piece>& pieces() const { return pieces_; }
  /// Drive level of column c, piece i.
  int level(unsigned c, std::size_t i) const { return levels_[std::size_t{c} * pieces_.size() + i]; }
  /// Drive of row r of column c: level · gain_r (analog).
  const std::vector<double>& gains() const { return gains_; }
  bool analog() const { return !gains_.empty(); }
  const DriveRange& range() const { return range_; }
  /// Column groups: group index of each active column, groups in order of lowest column.
  const std::vector<unsigned>& group_of() const { return group_of_; }
  unsigned groups() const { return groups_; }
  /// DAC conversions and support-buffer reads of one read call (file comment).
  std::uint64_t dac_conversions() const { return dac_conversions_; }
  std::uint64_t support_reads() const { return support_reads_; }

 private:
  std::vector<Piece> pieces_;
  std::vector<int> levels_;  ///< [c · pieces + i]
  std::vector<double> gains_;
  DriveRange range_;
  std::vector<unsigned> group_of_;
  unsigned groups_ = 0;
  std::uint64_t dac_conversions_ = 0, support_reads_ = 0;
};

}  // namespace cimvp
