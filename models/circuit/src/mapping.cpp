#include "cimvp/circuit/mapping.h"

#include "cimvp/circuit/random.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
constexpr std::size_t kChunk = 128;  // inputs evaluated together (keeps the sums in cache)
}  // namespace

void MappingConfig::validate() const {
  array.validate();
  sense.validate();
  cells.validate();
  if (drive != DriveKind::binary && drive != DriveKind::row_dac)
    throw std::invalid_argument("MappingConfig.drive = " + std::to_string(static_cast<int>(drive)) +
                                ": expected binary|row_dac");
  dac.validate();
  if (sense.mux > array.cols)
    throw std::invalid_argument("SenseConfig.mux = " + std::to_string(sense.mux) + ": expected 1..cols (" +
                                std::to_string(array.cols) + ")");
}

MappedLayer::MappedLayer(unsigned inputs, unsigned outputs, const std::vector<std::int8_t>& weights, InputKind kind,
                         unsigned planes, const MappingConfig& cfg, std::uint64_t layer_id,
                         const LayerSupports* supports)
    : K_(inputs), M_(outputs), planes_(planes), kind_(kind), cfg_(cfg) {
  cfg_.validate();
  if (K_ == 0 || M_ == 0) throw std::invalid_argument("MappedLayer: layer shape must be at least 1x1");
  if (weights.size() != std::size_t{K_} * M_)
    throw std::invalid_argument("MappedLayer: " + std::to_string(weights.size()) + " weights, expected M x K = " +
                                std::to_string(M_) + " x " + std::to_string(K_));
  if (planes_ < 1 || planes_ > 8)
    throw std::invalid_argument("MappedLayer: planes = " + std::to_string(planes_) + ", expected 1..8");
  try {
    arrays_ = ArrayBank(K_, M_, weights.data(), kind_, cfg_.array, cfg_.cells, layer_id);
    DriveRange drive;
    if (supports != nullptr) {
      if (cfg_.drive != DriveKind::row_dac)
        throw std::invalid_argument("the layer has supports but the word lines are binary (drive kind " +
                                    std::string(to_string(cfg_.drive)) + "; supports need row_dac)");
      supports_ = SupportBank(arrays_, *supports, cfg_.dac, layer_id);
      drive = supports_.range();
    }
    sense_ = SenseBank(arrays_.segments(), arrays_.col_blocks(), planes_, kind_, cfg_.array.cols, cfg_.array.access,
                       cfg_.sense, layer_id, drive);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("MappedLayer: ") + e.what());
  }
  nrb_ = arrays_.row_blocks();
  ncb_ = arrays_.col_blocks();
  wpb_ = words_for_bits(cfg_.array.rows);
  histograms_.resize(std::size_t{nrb_} * planes_);
}

void MappedLayer::set_drop_level(unsigned drop_permille) {
  if (supports_.empty()) {
    if (drop_permille > kDropLevelScale)
      throw std::invalid_argument("drop level " + std::to_string(drop_permille) + " per mille (allowed 0..1000)");
    return;
  }
  supports_.set_drop_level(arrays_, drop_permille);
}

void MappedLayer::set_quantizers(unsigned rb, unsigned p, std::vector<Quantizer> per_segment) {
  if (rb >= nrb_ || p >= planes_)
    throw std::out_of_range("MappedLayer::set_quantizers: row block " + std::to_string(rb) + " / plane " +
                            std::to_string(p) + " out of range");
  try {
    sense_.program(rb, p, std::move(per_segment));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string("MappedLayer::set_quantizers: ") + e.what());
  }
}

const PsHistogram& MappedLayer::histogram(unsigned rb, unsigned p, unsigned s) const {
  return histograms_.at(std::size_t{rb} * planes_ + p).at(s);
}

MappedLayer::Planes MappedLayer::check_planes(const std::vector<BitMatrix>& planes) const {
  if (planes.size() != planes_)
    throw std::invalid_argument("MappedLayer: " + std::to_string(planes.size()) + " input planes, expected " +
                                std::to_string(planes_));
  Planes ptrs;
  for (const auto& m : planes) {
    if (m.bits() != K_)
      throw std::invalid_argument("MappedLayer: input vectors of " + std::to_string(m.bits()) + " bits, expected " +
                                  std::to_string(K_));
    if (m.rows() != planes[0].rows())
      throw std::invalid_argument("MappedLayer: input planes hold different numbers of vectors");
    ptrs.push_back(&m);
  }
  return ptrs;
}

template <typename F>
void MappedLayer::for_blocks(const Planes& planes, std::size_t n0, std::size_t n,
                             std::vector<Word>& buf, F&& f) const {
  const unsigned R = cfg_.array.rows;
  for (unsigned p = 0; p < planes_; ++p) {
    const BitMatrix& x = *planes[p];
    // Row blocks that start on word boundaries and end inside the stored row can read the
    // input in place; otherwise (R not a multiple of 64, or the last row block reaching
    // past the row's words, e.g. R = 128 and K = 130) re-block into a padded buffer.
    const bool in_place = R % kWordBits == 0 && std::size_t{nrb_} * wpb_ <= x.words();
    if (in_place) {  // row blocks start on word boundaries: use the input in place
      for (unsigned rb = 0; rb < nrb_; ++rb) f(rb, p, x.row(n0) + rb * wpb_, x.words(), n);
    } else {        // re-block: each row block's bits copied to its own words
      const std::size_t stride = std::size_t{nrb_} * wpb_;
      buf.assign(n * stride, 0);
      for (std::size_t i = 0; i < n; ++i)
        for (unsigned rb = 0; rb < nrb_; ++rb)
          copy_bits(x.row(n0 + i), std::size_t{rb} * R, std::min(R, K_ - rb * R), buf.data() + i * stride + rb * wpb_);
      for (unsigned rb = 0; rb < nrb_; ++rb) f(rb, p, buf.data() + rb * wpb_, stride, n);
    }
  }
}

void MappedLayer::calibrate(const std::vector<BitMatrix>& input) {
  const Planes planes = check_planes(input);
  if (!cfg_.sense.needs_calibration() || cfg_.array.access == AccessMode::row_by_row) return;
  const std::size_t N = planes[0]->rows();
  if (N == 0) throw std::invalid_argument("MappedLayer::calibrate: no sample inputs");
  for (unsigned rb = 0; rb < nrb_; ++rb) {
    const auto& segs = sub_array(rb, 0).segments();
    for (unsigned p = 0; p < planes_; ++p) {
      auto& hs = histograms_[std::size_t{rb} * planes_ + p];
      hs.clear();
      for (const auto& s : segs) hs.emplace_back(sense_.range(s.rows));
    }
  }
  std::vector<Word> buf;
  std::vector<std::int32_t> ps;
  for (std::size_t n0 = 0; n0 < N; n0 += kChunk) {
    const std::size_t n = std::min(kChunk, N - n0);
    for_blocks(planes, n0, n, buf, [&](unsigned rb, unsigned p, const Word* x, std::size_t stride, std::size_t cnt) {
      auto& hs = histograms_[std::size_t{rb} * planes_ + p];
      const std::size_t S = hs.size();
      for (unsigned cb = 0; cb < ncb_; ++cb) {
        const SubArray& a = sub_array(rb, cb);
        if (has_supports()) a.supported_partial_sums(x, stride, cnt, kind_, supports_.drive(rb, cb), ps);
        else a.partial_sums(x, stride, cnt, kind_, ps);
        const std::size_t C = a.active_cols();
        for (std::size_t s = 0; s < S; ++s) {
          const PsRange r = hs[s].range();
          for (std::size_t i = 0; i < cnt; ++i)
            for (std::size_t c = 0; c < C; ++c)
              hs[s].add_index(static_cast<unsigned>((ps[(i * S + s) * C + c] - r.lo) / r.step));
        }
      }
    });
  }
  for (unsigned rb = 0; rb < nrb_; ++rb)
    for (unsigned p = 0; p < planes_; ++p) sense_.calibrate(rb, p, histograms_[std::size_t{rb} * planes_ + p]);
}

void MappedLayer::evaluate(const std::vector<BitMatrix>& planes, std::vector<std::int32_t>& sums_half,
                           ArrayActivity* activity, std::uint64_t first_vector) const {
  evaluate_planes(check_planes(planes), sums_half, activity, first_vector);
}

void MappedLayer::evaluate_planes(const Planes& planes, std::vector<std::int32_t>& sums_half,
                                  ArrayActivity* activity, std::uint64_t first_vector) const {
  if (needs_calibration())
    throw std::logic_error(std::string("MappedLayer: ") + to_string(cfg_.sense.kind) +
                           " transfer functions used before calibrate()");
  const std::size_t N = planes[0]->rows();
  sums_half.assign(N * M_, 0);
  const unsigned C = cfg_.array.cols;
  const bool digital = cfg_.array.access == AccessMode::row_by_row;
  const SenseTable none;
  std::vector<Word> buf;
  for (std::size_t n0 = 0; n0 < N; n0 += kChunk) {
    const std::size_t n = std::min(kChunk, N - n0);
    for_blocks(planes, n0, n, buf, [&](unsigned rb, unsigned p, const Word* x, std::size_t stride, std::size_t cnt) {
      for (unsigned cb = 0; cb < ncb_; ++cb) {
        const SenseTable& t = digital ? none : sense_table(rb, cb, p);
        const ConversionNoise noise = sense_.noise(rb, cb, p, first_vector + n0);
        std::int32_t* acc = sums_half.data() + n0 * M_ + std::size_t{cb} * C;
        if (has_supports())
          sub_array(rb, cb).accumulate_supported(x, stride, cnt, kind_, supports_.drive(rb, cb), t, p, acc, M_, activity,
                                                 &noise);
        else
          sub_array(rb, cb).accumulate(x, stride, cnt, kind_, t, p, acc, M_, activity, &noise);
      }
    });
  }
}

void MappedLayer::evaluate(const BitMatrix& x, std::vector<std::int32_t>& sums_half, ArrayActivity* activity,
                           std::uint64_t first_vector) const {
  if (planes_ != 1)
    throw std::invalid_argument("MappedLayer: one input plane given, expected " + std::to_string(planes_));
  if (x.bits() != K_)
    throw std::invalid_argument("MappedLayer: input vectors of " + std::to_string(x.bits()) + " bits, expected " +
                                std::to_string(K_));
  evaluate_planes(Planes{&x}, sums_half, activity, first_vector);
}

}  // namespace cimvp
