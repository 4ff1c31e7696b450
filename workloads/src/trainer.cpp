// BinaryNet-style MLP trainer (see trainer.h and docs/workloads.md).
#include "cimvp/workloads/trainer.h"

#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/network_io.h"

#include "cimvp/circuit/supports.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>

#include <zlib.h>

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

namespace cimvp {
namespace {

// ---------------------------------------------------------------------------------------
// Dense kernels.  C (m×n, row stride ldc) = or += op(A)·B with op(A)[i][p] = A[i·lda + p]
// (TA = false) or A[p·lda + i] (TA = true), B[p·ldb + j].  Each C element is summed over p
// in increasing order starting from 0, whatever the blocking or vector width, so results do
// not depend on the instruction set.  The micro-kernel keeps a 4-row × 8-column block of C
// in eight 4-float vector registers (GCC vector extensions, plain SSE2 on x86-64): about
// 13 GMAC/s on one core for the 784-512-512 shapes.
typedef float v4f __attribute__((vector_size(16)));

inline v4f load4(const float* p) {
  v4f v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store4(float* p, v4f v) { std::memcpy(p, &v, sizeof v); }
inline v4f sqrt4(v4f v) {  // correctly rounded per lane either way
#if defined(__SSE__)
  return reinterpret_cast<v4f>(_mm_sqrt_ps(reinterpret_cast<__m128>(v)));
#else
  return v4f{std::sqrt(v[0]), std::sqrt(v[1]), std::sqrt(v[2]), std::sqrt(v[3])};
#endif
}

template <bool TA, int RB, int NV>  // RB rows × 4·NV columns
inline void micro_kernel(std::size_t k, const float* A, std::size_t lda, const float* B, std::size_t ldb,
                         float* C, std::size_t ldc, bool accumulate) {
  v4f acc[RB][NV];
  for (int r = 0; r < RB; ++r)
    for (int v = 0; v < NV; ++v) acc[r][v] = v4f{0.0f, 0.0f, 0.0f, 0.0f};
  for (std::size_t p = 0; p < k; ++p) {
    v4f b[NV];
    for (int v = 0; v < NV; ++v) b[v] = load4(B + p * ldb + 4 * v);
    for (int r = 0; r < RB; ++r) {
      const float a = TA ? A[p * lda + r] : A[r * lda + p];
      const v4f av = {a, a, a, a};
      for (int v = 0; v < NV; ++v) acc[r][v] += av * b[v];
    }
  }
  for (int r = 0; r < RB; ++r)
    for (int v = 0; v < NV; ++v) {
      float* c = C + r * ldc + 4 * v;
      store4(c, accumulate ? load4(c) + acc[r][v] : acc[r][v]);
    }
}

template <bool TA>  // one column of C
inline void column_kernel(std::size_t m, std::size_t k, const float* A, std::size_t lda, const float* B,
                          std::size_t ldb, float* C, std::size_t ldc, bool accumulate) {
  for (std::size_t i = 0; i < m; ++i) {
    float acc = 0.0f;
    for (std::size_t p = 0; p < k; ++p) acc += (TA ? A[p * lda + i] : A[i * lda + p]) * B[p * ldb];
    C[i * ldc] = accumulate ? C[i * ldc] + acc : acc;
  }
}

template <bool TA, int NV>
void gemm_strip(std::size_t m, std::size_t k, const float* A, std::size_t lda, const float* B, std::size_t ldb,
                float* C, std::size_t ldc, bool accumulate) {
  constexpr std::size_t RB = 4;
  std::size_t i = 0;
  for (; i + RB <= m; i += RB)
    micro_kernel<TA, RB, NV>(k, TA ? A + i : A + i * lda, lda, B, ldb, C + i * ldc, ldc, accumulate);
  for (; i < m; ++i) micro_kernel<TA, 1, NV>(k, TA ? A + i : A + i * lda, lda, B, ldb, C + i * ldc, ldc, accumulate);
}

template <bool TA>
void gemm(std::size_t m, std::size_t n, std::size_t k, const float* A, std::size_t lda, const float* B,
          std::size_t ldb, float* C, std::size_t ldc, bool accumulate) {
  // op(A) = Aᵀ with a long k (a conv layer's weight gradient: k = batch × windows rows of the
  // unrolled windows): k is cut into blocks of kBlockK rows that stay in cache, each block's
  // partial sums added to C in block order (deterministic; the dense layers' k = batch size
  // stays below the cut and keeps its single pass).
  constexpr std::size_t kBlockK = 256, kBlockFrom = 1024;
  if (TA && k > kBlockFrom) {
    for (std::size_t p0 = 0; p0 < k; p0 += kBlockK)
      gemm<TA>(m, n, std::min(kBlockK, k - p0), A + p0 * lda, lda, B + p0 * ldb, ldb, C, ldc, accumulate || p0 > 0);
    return;
  }
  std::size_t j = 0;
  for (; j + 8 <= n; j += 8) gemm_strip<TA, 2>(m, k, A, lda, B + j, ldb, C + j, ldc, accumulate);
  for (; j + 4 <= n; j += 4) gemm_strip<TA, 1>(m, k, A, lda, B + j, ldb, C + j, ldc, accumulate);
  for (; j < n; ++j) column_kernel<TA>(m, k, A, lda, B + j, ldb, C + j, ldc, accumulate);
}

// ---------------------------------------------------------------------------------------
// Seeded randomness with fully specified conversions (std:: distributions are not).
double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

std::size_t uniform_below(std::mt19937_64& rng, std::size_t n) {  // unbiased, n >= 1
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                              std::numeric_limits<std::uint64_t>::max() % n;
  std::uint64_t x;
  do x = rng();
  while (x >= limit);
  return static_cast<std::size_t>(x % n);
}

// Largest |s| a layer can produce: K × the largest |input| (× the largest support code).
std::int64_t max_abs_sum(const TrainerConfig& c, std::size_t layer, unsigned k) {
  const std::int64_t code = c.support_block > 0 ? (std::int64_t{1} << c.support_bits) - 1 : 1;
  if (layer == 0 && c.input == InputEncoding::bit_serial) return std::int64_t{k} * ((1 << c.input_bits) - 1) * code;
  return std::int64_t{k} * code;
}

// Last-layer logit, one out-of-line definition for the trainer and the integer reference.
__attribute__((noinline)) float last_logit(float scale, float s, float bias) { return scale * s + bias; }

void encode_input(const TrainerConfig& c, const std::uint8_t* px, std::size_t n, float* out) {
  if (c.input == InputEncoding::bit_serial) {
    const unsigned shift = 8 - c.input_bits;
    for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<float>(px[i] >> shift);
  } else {
    const float low = c.mode == CellMode::xnor_8t ? -1.0f : 0.0f;
    for (std::size_t i = 0; i < n; ++i) out[i] = px[i] >= c.input_threshold ? 1.0f : low;
  }
}

std::size_t image_pixels(const TrainerConfig& c) {
  return c.conv.empty() ? std::size_t{c.layers.front()} : c.conv.front().input_bits();
}

void check_dataset(const TrainerConfig& c, const Dataset& d) {
  if (d.pixels() != image_pixels(c))
    throw std::invalid_argument("data set " + d.name + " has " + std::to_string(d.pixels()) +
                                " pixels per image but the first layer " +
                                (c.conv.empty() ? "has " + std::to_string(image_pixels(c)) + " inputs"
                                                : "reads " + std::to_string(image_pixels(c)) + " pixels"));
  if (!c.conv.empty() && (d.rows != c.conv.front().in_h || d.cols != c.conv.front().in_w))
    throw std::invalid_argument("data set " + d.name + " has " + std::to_string(d.rows) + "x" +
                                std::to_string(d.cols) + " images but the first conv layer reads " +
                                std::to_string(c.conv.front().in_h) + "x" + std::to_string(c.conv.front().in_w));
  for (auto l : d.labels)
    if (l >= c.layers.back())
      throw std::invalid_argument("data set " + d.name + " has label " + std::to_string(l) + " but the network has " +
                                  std::to_string(c.layers.back()) + " outputs");
}

}  // namespace

// ---------------------------------------------------------------------------------------
void translate_image(const std::uint8_t* src, unsigned rows, unsigned cols, int dx, int dy, std::uint8_t* dst) {
  const long R = rows, C = cols;
  for (long y = 0; y < R; ++y)
    for (long x = 0; x < C; ++x) {
      const long sy = y - dy, sx = x - dx;
      dst[y * C + x] = (sy >= 0 && sy < R && sx >= 0 && sx < C) ? src[sy * C + sx] : 0;
    }
}

__attribute__((noinline)) bool bn_fires(float s, float gamma, float beta, float mean, float inv_std) {
  return gamma * ((s - mean) * inv_std) + beta >= 0.0f;
}

FoldedThreshold fold_batch_norm(float gamma, float beta, float mean, float inv_std, std::int64_t max_abs_sum) {
  if (!std::isfinite(gamma) || !std::isfinite(beta) || !std::isfinite(mean) || !std::isfinite(inv_std) ||
      !(inv_std > 0.0f))
    throw std::invalid_argument("fold_batch_norm: batch-norm parameters must be finite with inv_std > 0");
  if (max_abs_sum < 0 || max_abs_sum >= (std::int64_t{1} << 24))
    throw std::invalid_argument("fold_batch_norm: max_abs_sum must be in 0..2^24-1 (exact in float)");
  const std::int64_t R = max_abs_sum;
  auto fires = [&](std::int64_t s) { return bn_fires(static_cast<float>(s), gamma, beta, mean, inv_std); };
  FoldedThreshold f;
  if (!(gamma < 0.0f)) {  // non-decreasing: smallest firing s, R + 1 if none
    std::int64_t lo = -R, hi = R + 1;
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo) / 2;
      if (fires(mid)) hi = mid;
      else lo = mid + 1;
    }
    f.threshold = static_cast<std::int32_t>(lo);
  } else {  // non-increasing: largest firing s, −R − 1 if none
    std::int64_t lo = -R - 1, hi = R;
    while (lo < hi) {
      const std::int64_t mid = lo + (hi - lo + 1) / 2;
      if (fires(mid)) lo = mid;
      else hi = mid - 1;
    }
    f.threshold = static_cast<std::int32_t>(lo);
    f.flip = true;
  }
  return f;
}

void validate_trainer_config(const TrainerConfig& c) {
  auto bad = [](const std::string& m) { throw std::invalid_argument("trainer config: " + m); };
  if (c.mode != CellMode::xnor_8t && c.mode != CellMode::hbnn_6t) bad("mode must be xnor or hbnn");
  if (c.input != InputEncoding::binarized && c.input != InputEncoding::bit_serial)
    bad("input must be binarized or bit-serial");
  if (c.input_bits < 1 || c.input_bits > 8) bad("input_bits " + std::to_string(c.input_bits) + " out of range 1..8");
  if (c.input_threshold > 255) bad("input_threshold " + std::to_string(c.input_threshold) + " out of range 0..255");
  if (c.layers.size() < 2) bad("layers needs at least an input and an output width (e.g. 784-512-512-10)");
  for (auto w : c.layers)
    if (w < 1 || w > (1u << 16)) bad("layer width " + std::to_string(w) + " out of range 1..65536");
  if (c.layers.back() < 2) bad("the output layer needs at least 2 classes");
  const std::size_t nc = c.conv.size();
  for (std::size_t l = 0; l + 1 < c.layers.size(); ++l)
    if (max_abs_sum(c, nc + l, c.layers[l]) >= (std::int64_t{1} << 24))
      bad("layer " + std::to_string(nc + l) +
          " sums could reach 2^24 (not exact in float); use fewer inputs or input bits");
  for (std::size_t i = 0; i < nc; ++i) {
    const ConvShape& s = c.conv[i];
    const std::string li = "conv layer " + std::to_string(i) + ": ";
    const std::string e = s.check();
    if (!e.empty()) bad(li + e);
    if (i == 0 && s.in_c != 1) bad(li + "in_c " + std::to_string(s.in_c) + " (the first layer reads the image: 1)");
    if (i > 0) {
      const ConvShape& p = c.conv[i - 1];
      if (s.in_h != p.pooled_h() || s.in_w != p.pooled_w() || s.in_c != p.out_c)
        bad(li + "input map " + std::to_string(s.in_h) + "x" + std::to_string(s.in_w) + "x" + std::to_string(s.in_c) +
            " but conv layer " + std::to_string(i - 1) + " outputs " + std::to_string(p.pooled_h()) + "x" +
            std::to_string(p.pooled_w()) + "x" + std::to_string(p.out_c));
    }
    if (s.window_rows() > (1u << 20) || s.out_c > (1u << 16))
      bad(li + "window rows " + std::to_string(s.window_rows()) + " / out_c " + std::to_string(s.out_c) +
          " too large (allowed up to 2^20 / 65536)");
    if (max_abs_sum(c, i, static_cast<unsigned>(s.window_rows())) >= (std::int64_t{1} << 24))
      bad(li + "sums could reach 2^24 (not exact in float)");
  }
  if (nc > 0) {
    if (c.layers.front() != c.conv.back().output_bits())
      bad("the dense tail reads " + std::to_string(c.layers.front()) + " inputs but the last conv layer outputs " +
          std::to_string(c.conv.back().output_bits()) + " bits (" + std::to_string(c.conv.back().pooled_h()) + "x" +
          std::to_string(c.conv.back().pooled_w()) + "x" + std::to_string(c.conv.back().out_c) + ")");
    if (c.support_block > 0) bad("conv layers have no supports (support_block must be 0)");
  }
  if (c.epochs < 1) bad("epochs must be >= 1");
  if (c.batch < 2 || c.batch > 65536) bad("batch " + std::to_string(c.batch) + " out of range 2..65536");
  if (!(c.lr > 0.0f) || !std::isfinite(c.lr)) bad("lr must be > 0");
  if (!(c.lr_final > 0.0f) || !std::isfinite(c.lr_final)) bad("lr_final must be > 0");
  if (!(c.init_scale >= 0.0f) || c.init_scale > 1.0f) bad("init_scale must be in 0..1");
  if (!(c.bn_momentum > 0.0f) || c.bn_momentum > 1.0f) bad("bn_momentum must be in (0, 1]");
  if (!(c.bn_epsilon > 0.0f) || !std::isfinite(c.bn_epsilon)) bad("bn_epsilon must be > 0");
  if (c.shift > 8) bad("shift " + std::to_string(c.shift) + " out of range 0..8");
  if (c.support_block > 0) {
    if (c.support_bits < 1 || c.support_bits > kMaxSupportBits)
      bad("support_bits " + std::to_string(c.support_bits) + " out of range 1..8");
    for (std::size_t l = 0; l + 1 < c.layers.size(); ++l)
      if (c.support_block > c.layers[l])
        bad("support_block " + std::to_string(c.support_block) + " exceeds the " + std::to_string(c.layers[l]) +
            " inputs of layer " + std::to_string(l));
    if (c.float_mode) bad("float_mode has no supports (support_block must be 0)");
    if (!(c.support_lr_scale > 0.0f) || !std::isfinite(c.support_lr_scale)) bad("support_lr_scale must be > 0");
  }
  if (c.float_mode && c.freeze_weights) bad("float_mode cannot freeze the weights");
  if (c.hw_rows > 0) {
    if (c.hw_rows > kMaxSubArrayRows)
      bad("hw_rows " + std::to_string(c.hw_rows) + " out of range 1.." + std::to_string(kMaxSubArrayRows) +
          " (0 = no hardware-aware sensing)");
    if (c.float_mode) bad("float_mode has no hardware-aware sensing (hw_rows must be 0)");
    if (nc > 0) bad("hardware-aware sensing is for dense networks (no conv layers with hw_rows > 0)");
    if (c.support_block > 0) bad("hardware-aware sensing has no supports (support_block must be 0 with hw_rows > 0)");
    if (c.input != InputEncoding::binarized)
      bad("hardware-aware sensing needs a binarized first-layer input (bit-serial planes are not modelled)");
    try {
      c.hw_sense.validate();
    } catch (const std::invalid_argument& e) {
      bad(std::string("hw_sense: ") + e.what());
    }
    if (c.hw_sense.offset_sigma != 0.0 || c.hw_sense.noise_sigma != 0.0 || c.hw_sense.faults.any())
      bad("hw_sense: offsets, noise and dead converters must be 0 (the trainer models the transfer function only)");
    if (c.hw_sense.linear_range > kMaxSubArrayRows)
      bad("hw_sense linear_range " + std::to_string(c.hw_sense.linear_range) + " out of range 0.." +
          std::to_string(kMaxSubArrayRows) + " (0 = unlimited)");
    if (c.hw_calibration_samples < 1) bad("hw_calibration_samples must be >= 1");
  }
}

MappingConfig hw_mapping(const TrainerConfig& c) {
  MappingConfig m;
  m.array.rows = c.hw_rows;
  m.array.cols = 64;
  m.array.mode = c.mode;
  m.array.access = AccessMode::parallel;
  m.sense = c.hw_sense;
  return m;
}

float support_step(unsigned bits) {
  if (bits < 1 || bits > kMaxSupportBits) throw std::invalid_argument("support_step: bits out of range 1..8");
  return std::ldexp(1.0f, 1 - static_cast<int>(bits));
}

std::uint8_t quantize_support(float u, unsigned bits) {
  const float step = support_step(bits);
  const float top = static_cast<float>((1u << bits) - 1u);
  if (!(u > 0.0f)) return 0;
  const float q = std::floor(u / step + 0.5f);
  return static_cast<std::uint8_t>(q > top ? top : q);
}

std::uint8_t default_support_code(const std::vector<std::uint8_t>& codes) {
  if (codes.empty()) return 0;
  std::uint64_t sum = 0;
  for (auto c : codes) sum += c;
  // ⌊sum/n + 1/2⌋ in integers
  return static_cast<std::uint8_t>((2 * sum + codes.size()) / (2 * codes.size()));
}

float learning_rate(const TrainerConfig& c, unsigned epoch) {
  if (c.epochs <= 1) return c.lr;
  const double t = static_cast<double>(std::min(epoch, c.epochs - 1)) / (c.epochs - 1);
  return static_cast<float>(c.lr * std::pow(static_cast<double>(c.lr_final) / c.lr, t));
}

// ---------------------------------------------------------------------------------------
struct BnnTrainer::Impl {
  struct Layer {
    unsigned K = 0, M = 0;
    // conv layers: shape, windows per image R, input map and pooled output sizes, padding value
    bool conv = false;
    ConvShape cs;
    std::size_t R = 1, in_size = 0, out_size = 0;
    float pad = 0.0f;
    std::vector<float> cols, dcols;   // batch·R × K unrolled windows and their gradient
    std::vector<std::uint32_t> arg;   // batch × out_size: index into y of each pooled output
    std::vector<float> w, wbt, wb;                  // latent K×M, sign K×M, sign M×K
    std::vector<float> gamma, beta, rmean, rvar;     // batch norm
    std::vector<float> mw, vw, mg, vg, mb, vb;       // Adam moments
    std::vector<float> s, xhat, y, dy, ds;           // batch × M
    std::vector<float> mean, invstd, dgamma, dbeta;  // M
    std::vector<float> dw;                           // K×M
    // supports: p rows per block, B blocks per neuron, latent u (M×B), codes, Adam moments
    unsigned P = 0, B = 0;
    float step = 1.0f, top = 0.0f;                   // real value of code 1, largest code
    std::vector<float> sup, code, dsup, msup, vsup;  // M×B
  };
  TrainerConfig cfg;
  std::vector<Layer> layers;
  std::vector<std::vector<float>> act;   // act[l]: input of layer l, batch × K_l
  std::vector<std::vector<float>> dact;  // dact[l]: gradient of act[l] (l >= 1)
  // Hardware-aware sensing (empty until calibrate_hw): per layer, per row block, the reachable
  // partial sums and the look-up table PS index → sensed value (half units).
  struct HwLayer {
    std::vector<PsRange> range;
    std::vector<std::vector<std::int32_t>> lut;
  };
  std::vector<HwLayer> hw;
  std::vector<float> hw_part;  // training scratch: one row block's partial sums
  std::mt19937_64 rng;
  unsigned epochs = 0;
  std::uint64_t steps = 0;

  float low() const { return cfg.mode == CellMode::xnor_8t ? -1.0f : 0.0f; }

  // Effective weights (K×M in wbt, M×K in wb): sign(w)·code (supports), sign(w), or w (float).
  void binarize(Layer& L) {
    if (cfg.float_mode) {
      L.wbt = L.w;
    } else if (L.P > 0) {
      for (std::size_t k = 0; k < L.K; ++k) {
        const float* code = L.code.data() + k / L.P;
        for (std::size_t j = 0; j < L.M; ++j)
          L.wbt[k * L.M + j] = L.w[k * L.M + j] >= 0.0f ? code[j * L.B] : -code[j * L.B];
      }
    } else {
      for (std::size_t i = 0; i < L.w.size(); ++i) L.wbt[i] = L.w[i] >= 0.0f ? 1.0f : -1.0f;
    }
    constexpr std::size_t T = 32;  // transpose in tiles to stay in cache
    for (std::size_t k0 = 0; k0 < L.K; k0 += T)
      for (std::size_t j0 = 0; j0 < L.M; j0 += T)
        for (std::size_t k = k0; k < std::min<std::size_t>(k0 + T, L.K); ++k)
          for (std::size_t j = j0; j < std::min<std::size_t>(j0 + T, L.M); ++j) L.wb[j * L.K + k] = L.wbt[k * L.M + j];
  }

  // Sensed sums of a dense layer (hardware-aware): s (n×M) = Σ_rb lut_rb[PS_rb] / 2, PS_rb the
  // exact integer partial sum of row block rb (inputs [rb·R, rb·R + R)).  part: n×M scratch.
  void hw_sums(const Layer& L, const HwLayer& H, const float* X, std::size_t n, float* s,
               std::vector<float>& part) const {
    const std::size_t M = L.M, R = cfg.hw_rows;
    part.resize(n * M);
    std::fill(s, s + n * M, 0.0f);
    for (std::size_t rb = 0; rb < H.lut.size(); ++rb) {
      const std::size_t k0 = rb * R, kb = std::min<std::size_t>(R, L.K - k0);
      gemm<false>(n, M, kb, X + k0, L.K, L.wbt.data() + k0 * M, M, part.data(), M, false);
      const PsRange& r = H.range[rb];
      const std::int32_t* lut = H.lut[rb].data();
      for (std::size_t i = 0; i < n * M; ++i) {
        const long ps = std::lrint(part[i]);  // an exact integer (|PS| <= R)
        const long t = (ps - r.lo) / r.step;
        if ((ps - r.lo) % r.step != 0 || t < 0 || t >= static_cast<long>(r.count))
          throw std::logic_error("hardware-aware sensing: partial sum " + std::to_string(ps) +
                                 " not reachable in its row block (inputs must be binary)");
        s[i] += 0.5f * static_cast<float>(lut[t]);  // half-unit steps: exact in float
      }
    }
  }

  // Forward + backward + update for `n` samples whose encoded input is in act[0].
  void step(std::size_t n, const std::uint8_t* labels, float lr, double& loss, std::size_t& correct) {
    const std::size_t nl = layers.size();
    for (std::size_t l = 0; l < nl; ++l) {
      Layer& L = layers[l];
      const std::size_t M = L.M;
      const std::size_t N = n * L.R;  // rows: samples (dense) or samples × windows (conv)
      const float* X = act[l].data();
      if (L.conv) {
        im2col(L, X, n, L.cols.data());
        X = L.cols.data();
      }
      if (!hw.empty() && !L.conv) hw_sums(L, hw[l], X, n, L.s.data(), hw_part);
      else gemm<false>(N, M, L.K, X, L.K, L.wbt.data(), M, L.s.data(), M, false);
      // batch statistics (fixed summation order)
      std::fill(L.mean.begin(), L.mean.end(), 0.0f);
      for (std::size_t b = 0; b < N; ++b)
        for (std::size_t j = 0; j < M; ++j) L.mean[j] += L.s[b * M + j];
      const float inv_n = 1.0f / static_cast<float>(N);
      for (std::size_t j = 0; j < M; ++j) L.mean[j] *= inv_n;
      std::fill(L.invstd.begin(), L.invstd.end(), 0.0f);  // holds the variance first
      for (std::size_t b = 0; b < N; ++b)
        for (std::size_t j = 0; j < M; ++j) {
          const float d = L.s[b * M + j] - L.mean[j];
          L.invstd[j] += d * d;
        }
      const float mom = cfg.bn_momentum;
      const float unbias = static_cast<float>(N) / static_cast<float>(N - 1);
      for (std::size_t j = 0; j < M; ++j) {
        const float var = L.invstd[j] * inv_n;
        L.rmean[j] = (1.0f - mom) * L.rmean[j] + mom * L.mean[j];
        L.rvar[j] = (1.0f - mom) * L.rvar[j] + mom * var * unbias;
        L.invstd[j] = 1.0f / std::sqrt(var + cfg.bn_epsilon);
      }
      for (std::size_t b = 0; b < N; ++b)
        for (std::size_t j = 0; j < M; ++j) {
          const std::size_t i = b * M + j;
          L.xhat[i] = (L.s[i] - L.mean[j]) * L.invstd[j];
          L.y[i] = L.gamma[j] * L.xhat[i] + L.beta[j];
        }
      if (L.conv) {
        pool_forward(L, n, act[l + 1].data());
      } else if (l + 1 < nl) {
        float* out = act[l + 1].data();
        const float lo = low();
        if (cfg.float_mode)
          for (std::size_t i = 0; i < n * M; ++i) out[i] = L.y[i] > 0.0f ? L.y[i] : 0.0f;
        else
          for (std::size_t i = 0; i < n * M; ++i) out[i] = L.y[i] >= 0.0f ? 1.0f : lo;
      }
    }
    // softmax cross-entropy on the last layer's batch-norm output
    Layer& last = layers.back();
    const std::size_t C = last.M;
    for (std::size_t b = 0; b < n; ++b) {
      const float* y = last.y.data() + b * C;
      float* dy = last.dy.data() + b * C;
      std::size_t arg = 0;
      for (std::size_t c = 1; c < C; ++c)
        if (y[c] > y[arg]) arg = c;
      if (arg == labels[b]) ++correct;
      double sum = 0.0;
      for (std::size_t c = 0; c < C; ++c) sum += std::exp(static_cast<double>(y[c] - y[arg]));
      loss += std::log(sum) - static_cast<double>(y[labels[b]] - y[arg]);
      for (std::size_t c = 0; c < C; ++c) {
        const double p = std::exp(static_cast<double>(y[c] - y[arg])) / sum;
        dy[c] = static_cast<float>((p - (c == labels[b] ? 1.0 : 0.0)) / static_cast<double>(n));
      }
    }
    // backward
    for (std::size_t l = nl; l-- > 0;) {
      Layer& L = layers[l];
      const std::size_t M = L.M;
      const std::size_t N = n * L.R;
      if (L.conv) {  // max pooling routes to the window's largest y, then the straight-through sign
        const float* g = dact[l + 1].data();
        std::fill(L.dy.begin(), L.dy.begin() + static_cast<std::ptrdiff_t>(N * M), 0.0f);
        for (std::size_t i = 0; i < n * L.out_size; ++i) {
          const std::uint32_t a = L.arg[i];
          if (cfg.float_mode ? L.y[a] > 0.0f : std::fabs(L.y[a]) <= 1.0f) L.dy[a] = g[i];
        }
      } else if (l + 1 < nl) {  // straight-through estimator of the sign activation
        const float* g = dact[l + 1].data();
        if (cfg.float_mode)  // ReLU
          for (std::size_t i = 0; i < n * M; ++i) L.dy[i] = L.y[i] > 0.0f ? g[i] : 0.0f;
        else
          for (std::size_t i = 0; i < n * M; ++i) L.dy[i] = std::fabs(L.y[i]) <= 1.0f ? g[i] : 0.0f;
      }
      std::fill(L.dgamma.begin(), L.dgamma.end(), 0.0f);
      std::fill(L.dbeta.begin(), L.dbeta.end(), 0.0f);
      for (std::size_t b = 0; b < N; ++b)
        for (std::size_t j = 0; j < M; ++j) {
          const std::size_t i = b * M + j;
          L.dbeta[j] += L.dy[i];
          L.dgamma[j] += L.dy[i] * L.xhat[i];
        }
      const float inv_n = 1.0f / static_cast<float>(N);
      for (std::size_t b = 0; b < N; ++b)
        for (std::size_t j = 0; j < M; ++j) {
          const std::size_t i = b * M + j;
          L.ds[i] = L.gamma[j] * L.invstd[j] * (L.dy[i] - (L.dbeta[j] + L.xhat[i] * L.dgamma[j]) * inv_n);
        }
      const float* X = L.conv ? L.cols.data() : act[l].data();
      gemm<true>(L.K, M, N, X, L.K, L.ds.data(), M, L.dw.data(), M, false);
      if (L.P > 0) {  // dL/dcode = Σ_{k∈b} sign(w)·dL/dW_eff (straight through the rounding)
        std::fill(L.dsup.begin(), L.dsup.end(), 0.0f);
        for (std::size_t k = 0; k < L.K; ++k) {
          const std::size_t b = k / L.P;
          for (std::size_t j = 0; j < M; ++j) {
            const std::size_t i = k * M + j;
            L.dsup[j * L.B + b] += L.w[i] >= 0.0f ? L.dw[i] : -L.dw[i];
            L.dw[i] *= L.code[j * L.B + b];  // dW_eff/dw = code (straight-through sign)
          }
        }
      }
      if (l > 0 && L.conv) {
        gemm<false>(N, L.K, M, L.ds.data(), M, L.wb.data(), L.K, L.dcols.data(), L.K, false);
        col2im(L, L.dcols.data(), n, dact[l].data());
      } else if (l > 0) {
        gemm<false>(n, L.K, M, L.ds.data(), M, L.wb.data(), L.K, dact[l].data(), L.K, false);
      }
    }
    // Adam
    ++steps;
    constexpr double b1 = 0.9, b2 = 0.999;
    const float lr_t = static_cast<float>(lr * std::sqrt(1.0 - std::pow(b2, static_cast<double>(steps))) /
                                          (1.0 - std::pow(b1, static_cast<double>(steps))));
    constexpr float inf = std::numeric_limits<float>::infinity();
    for (Layer& L : layers) {
      if (!cfg.freeze_weights) {
        if (cfg.float_mode) adam(L.w, L.dw, L.mw, L.vw, lr_t, -inf, inf);
        else adam(L.w, L.dw, L.mw, L.vw, lr_t, -1.0f, 1.0f);
      }
      adam(L.gamma, L.dgamma, L.mg, L.vg, lr_t, -inf, inf);
      adam(L.beta, L.dbeta, L.mb, L.vb, lr_t, -inf, inf);
      if (L.P > 0) {
        adam(L.sup, L.dsup, L.msup, L.vsup, lr_t * cfg.support_lr_scale, 0.0f, L.top * L.step);
        quantize(L);
      }
      binarize(L);
    }
  }

  // Unrolls the windows of n input maps (n × in_size, HWC) into rows of `cols` (n·R × K,
  // row order (ky, kx, c) as gather_window), the padding value outside the map.
  static void im2col(const Layer& L, const float* in, std::size_t n, float* cols) {
    const ConvShape& s = L.cs;
    const unsigned oh = s.out_h(), ow = s.out_w(), C = s.in_c;
    for (std::size_t b = 0; b < n; ++b)
      for (unsigned oy = 0; oy < oh; ++oy)
        for (unsigned ox = 0; ox < ow; ++ox) {
          float* row = cols + ((b * oh + oy) * ow + ox) * L.K;
          for (unsigned ky = 0; ky < s.kernel_h; ++ky) {
            const long y = static_cast<long>(oy) * s.stride - static_cast<long>(s.pad) + ky;
            for (unsigned kx = 0; kx < s.kernel_w; ++kx) {
              const long x = static_cast<long>(ox) * s.stride - static_cast<long>(s.pad) + kx;
              float* dst = row + (std::size_t{ky} * s.kernel_w + kx) * C;
              if (y < 0 || y >= static_cast<long>(s.in_h) || x < 0 || x >= static_cast<long>(s.in_w))
                std::fill(dst, dst + C, L.pad);
              else
                std::copy_n(in + b * L.in_size + (static_cast<std::size_t>(y) * s.in_w + static_cast<std::size_t>(x)) * C,
                            C, dst);
            }
          }
        }
  }
  // Adjoint of im2col: din (n × in_size) = Σ of the window gradients (padding dropped).
  static void col2im(const Layer& L, const float* dcols, std::size_t n, float* din) {
    const ConvShape& s = L.cs;
    const unsigned oh = s.out_h(), ow = s.out_w(), C = s.in_c;
    std::fill(din, din + n * L.in_size, 0.0f);
    for (std::size_t b = 0; b < n; ++b)
      for (unsigned oy = 0; oy < oh; ++oy)
        for (unsigned ox = 0; ox < ow; ++ox) {
          const float* row = dcols + ((b * oh + oy) * ow + ox) * L.K;
          for (unsigned ky = 0; ky < s.kernel_h; ++ky) {
            const long y = static_cast<long>(oy) * s.stride - static_cast<long>(s.pad) + ky;
            if (y < 0 || y >= static_cast<long>(s.in_h)) continue;
            for (unsigned kx = 0; kx < s.kernel_w; ++kx) {
              const long x = static_cast<long>(ox) * s.stride - static_cast<long>(s.pad) + kx;
              if (x < 0 || x >= static_cast<long>(s.in_w)) continue;
              const float* src = row + (std::size_t{ky} * s.kernel_w + kx) * C;
              float* dst = din + b * L.in_size + (static_cast<std::size_t>(y) * s.in_w + static_cast<std::size_t>(x)) * C;
              for (unsigned c = 0; c < C; ++c) dst[c] += src[c];
            }
          }
        }
  }
  // Training forward of pooling: out = sign(max y) over each pool×pool window (= OR of the
  // signs), arg = index of that max in y (first in scan order).
  void pool_forward(Layer& L, std::size_t n, float* out) const {
    const ConvShape& s = L.cs;
    const unsigned ow = s.out_w(), ph = s.pooled_h(), pw = s.pooled_w(), p = s.pool, M = L.M;
    const float lo = low();
    for (std::size_t b = 0; b < n; ++b)
      for (unsigned py = 0; py < ph; ++py)
        for (unsigned px = 0; px < pw; ++px)
          for (unsigned c = 0; c < M; ++c) {
            std::size_t best = 0;
            bool first = true;
            for (unsigned dy = 0; dy < p; ++dy)
              for (unsigned dx = 0; dx < p; ++dx) {
                const std::size_t i = (b * L.R + (std::size_t{py} * p + dy) * ow + (std::size_t{px} * p + dx)) * M + c;
                if (first || L.y[i] > L.y[best]) best = i;
                first = false;
              }
            const std::size_t o = b * L.out_size + (std::size_t{py} * pw + px) * M + c;
            if (cfg.float_mode)  // ReLU after the max: max(relu(y)) = relu(max y)
              out[o] = L.y[best] > 0.0f ? L.y[best] : 0.0f;
            else
              out[o] = L.y[best] >= 0.0f ? 1.0f : lo;
            L.arg[o] = static_cast<std::uint32_t>(best);
          }
  }

  void quantize(Layer& L) {
    for (std::size_t i = 0; i < L.sup.size(); ++i) L.code[i] = quantize_support(L.sup[i], cfg.support_bits);
  }

  // Adam on 4-float vectors (the plain loop would not vectorize: scalar sqrt sets errno).
  static void adam(std::vector<float>& p, const std::vector<float>& g, std::vector<float>& m, std::vector<float>& v,
                   float lr_t, float lo, float hi) {
    constexpr float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    const std::size_t n = p.size();
    float* pp = p.data();
    const float* gp = g.data();
    float* mp = m.data();
    float* vp = v.data();
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      const v4f gv = load4(gp + i);
      const v4f mv = b1 * load4(mp + i) + (1.0f - b1) * gv;
      const v4f vv = b2 * load4(vp + i) + (1.0f - b2) * gv * gv;
      v4f x = load4(pp + i) - lr_t * mv / (sqrt4(vv) + eps);
      x = x < lo ? lo : x;  // lane-wise selects
      x = x > hi ? hi : x;
      store4(mp + i, mv);
      store4(vp + i, vv);
      store4(pp + i, x);
    }
    for (; i < n; ++i) {  // same operations, one lane
      const float mv = b1 * mp[i] + (1.0f - b1) * gp[i];
      const float vv = b2 * vp[i] + (1.0f - b2) * gp[i] * gp[i];
      float x = pp[i] - lr_t * mv / (std::sqrt(vv) + eps);
      x = x < lo ? lo : x;
      x = x > hi ? hi : x;
      mp[i] = mv;
      vp[i] = vv;
      pp[i] = x;
    }
  }

  // Evaluation of a conv layer on n input maps: bn_fires per output pixel (the predicate
  // export folds), then OR over each pooling window; a few images at a time (bounded memory).
  void infer_conv(const Layer& L, const float* in, std::size_t n, float* out) const {
    constexpr std::size_t kSub = 8;
    const ConvShape& cs = L.cs;
    const std::size_t M = L.M;
    std::vector<float> cols(kSub * L.R * L.K), s(kSub * L.R * M), inv(M);
    std::vector<std::uint8_t> fire(kSub * L.R * M);
    for (std::size_t j = 0; j < M; ++j) inv[j] = 1.0f / std::sqrt(L.rvar[j] + cfg.bn_epsilon);
    const unsigned ow = cs.out_w(), ph = cs.pooled_h(), pw = cs.pooled_w(), p = cs.pool;
    const float lo = low();
    for (std::size_t b0 = 0; b0 < n; b0 += kSub) {
      const std::size_t m = std::min(kSub, n - b0);
      im2col(L, in + b0 * L.in_size, m, cols.data());
      gemm<false>(m * L.R, M, L.K, cols.data(), L.K, L.wbt.data(), M, s.data(), M, false);
      if (cfg.float_mode) {  // batch norm, ReLU, max pooling on real values
        for (std::size_t b = 0; b < m; ++b)
          for (unsigned py = 0; py < ph; ++py)
            for (unsigned px = 0; px < pw; ++px)
              for (std::size_t c = 0; c < M; ++c) {
                float best = 0.0f;
                for (unsigned dy = 0; dy < p; ++dy)
                  for (unsigned dx = 0; dx < p; ++dx) {
                    const float v = s[(b * L.R + (std::size_t{py} * p + dy) * ow + (std::size_t{px} * p + dx)) * M + c];
                    best = std::max(best, L.gamma[c] * ((v - L.rmean[c]) * inv[c]) + L.beta[c]);
                  }
                out[(b0 + b) * L.out_size + (std::size_t{py} * pw + px) * M + c] = best;
              }
        continue;
      }
      for (std::size_t i = 0; i < m * L.R; ++i)
        for (std::size_t j = 0; j < M; ++j)
          fire[i * M + j] = bn_fires(s[i * M + j], L.gamma[j], L.beta[j], L.rmean[j], inv[j]) ? 1 : 0;
      for (std::size_t b = 0; b < m; ++b)
        for (unsigned py = 0; py < ph; ++py)
          for (unsigned px = 0; px < pw; ++px)
            for (std::size_t c = 0; c < M; ++c) {
              bool any = false;
              for (unsigned dy = 0; dy < p; ++dy)
                for (unsigned dx = 0; dx < p; ++dx)
                  any = any || fire[(b * L.R + (std::size_t{py} * p + dy) * ow + (std::size_t{px} * p + dx)) * M + c];
              out[(b0 + b) * L.out_size + (std::size_t{py} * pw + px) * M + c] = any ? 1.0f : lo;
            }
    }
  }

  // Float inference of images [begin, begin + n) into pred.
  // With stop < layers.size(), stops after computing the sums of layer `stop` (left in
  // buf[layers.size() + 1]) and writes no predictions.
  void infer(const Dataset& d, std::size_t begin, std::size_t n, std::vector<std::vector<float>>& buf,
             unsigned* pred, std::size_t stop = std::numeric_limits<std::size_t>::max()) const {
    const std::size_t nl = layers.size();
    encode_input(cfg, d.image(begin), n * d.pixels(), buf[0].data());
    for (std::size_t l = 0; l < nl; ++l) {
      const Layer& L = layers[l];
      const std::size_t M = L.M;
      if (L.conv) {
        if (l == stop) {  // the conv sums of all windows: n·R × M in buf[nl + 1]
          std::vector<float> cols(n * L.R * L.K);
          im2col(L, buf[l].data(), n, cols.data());
          buf[nl + 1].resize(std::max(buf[nl + 1].size(), n * L.R * M));
          gemm<false>(n * L.R, M, L.K, cols.data(), L.K, L.wbt.data(), M, buf[nl + 1].data(), M, false);
          return;
        }
        infer_conv(L, buf[l].data(), n, buf[l + 1].data());
        continue;
      }
      float* s = buf[nl + 1].data();
      std::vector<float> part;
      if (!hw.empty()) hw_sums(L, hw[l], buf[l].data(), n, s, part);
      else gemm<false>(n, M, L.K, buf[l].data(), L.K, L.wbt.data(), M, s, M, false);
      if (l == stop) return;
      std::vector<float> inv(M);
      for (std::size_t j = 0; j < M; ++j) inv[j] = 1.0f / std::sqrt(L.rvar[j] + cfg.bn_epsilon);
      if (l + 1 < nl) {
        float* out = buf[l + 1].data();
        const float lo = low();
        if (cfg.float_mode)
          for (std::size_t b = 0; b < n; ++b)
            for (std::size_t j = 0; j < M; ++j) {
              const float y = L.gamma[j] * ((s[b * M + j] - L.rmean[j]) * inv[j]) + L.beta[j];
              out[b * M + j] = y > 0.0f ? y : 0.0f;
            }
        else if (!hw.empty())  // sensed sums in half units against the exported integer threshold t:
          // fires ⇔ s >= t (γ >= 0) ⇔ ⌊s⌋ >= t ⇔ fires(⌊s⌋), or s <= t (γ < 0) ⇔ fires(⌈s⌉)
          // (t integer, fires monotone: fold_batch_norm)
          for (std::size_t b = 0; b < n; ++b)
            for (std::size_t j = 0; j < M; ++j) {
              const float v = L.gamma[j] < 0.0f ? std::ceil(s[b * M + j]) : std::floor(s[b * M + j]);
              out[b * M + j] = bn_fires(v, L.gamma[j], L.beta[j], L.rmean[j], inv[j]) ? 1.0f : lo;
            }
        else
          for (std::size_t b = 0; b < n; ++b)
            for (std::size_t j = 0; j < M; ++j)
              out[b * M + j] = bn_fires(s[b * M + j], L.gamma[j], L.beta[j], L.rmean[j], inv[j]) ? 1.0f : lo;
      } else {
        std::vector<float> scale(M), bias(M);
        for (std::size_t j = 0; j < M; ++j) {
          scale[j] = L.gamma[j] * inv[j];
          bias[j] = L.beta[j] - L.rmean[j] * scale[j];
        }
        for (std::size_t b = 0; b < n; ++b) {
          unsigned arg = 0;
          float best = last_logit(scale[0], s[b * M], bias[0]);
          for (std::size_t j = 1; j < M; ++j) {
            const float v = last_logit(scale[j], s[b * M + j], bias[j]);
            if (v > best) {
              best = v;
              arg = static_cast<unsigned>(j);
            }
          }
          pred[b] = arg;
        }
      }
    }
  }
};

BnnTrainer::BnnTrainer(const TrainerConfig& config) : impl_(std::make_unique<Impl>()) {
  validate_trainer_config(config);
  Impl& I = *impl_;
  I.cfg = config;
  I.rng.seed(config.seed);
  const std::size_t nc = config.conv.size();
  const std::size_t nl = nc + config.layers.size() - 1;
  const std::size_t B = config.batch;
  I.layers.resize(nl);
  I.act.resize(nl);
  I.dact.resize(nl);
  for (std::size_t l = 0; l < nl; ++l) {
    auto& L = I.layers[l];
    if (l < nc) {
      L.conv = true;
      L.cs = config.conv[l];
      L.K = static_cast<unsigned>(L.cs.window_rows());
      L.M = L.cs.out_c;
      L.R = L.cs.windows();
      L.in_size = L.cs.input_bits();
      L.out_size = L.cs.output_bits();
      // padding = bit 0: the off value, or pixel value 0 for a bit-serial first layer
      // (float mode: 0, zero padding of the ReLU maps)
      L.pad = (l == 0 && config.input == InputEncoding::bit_serial) || config.float_mode ? 0.0f : I.low();
      L.cols.assign(B * L.R * L.K, 0.0f);
      L.dcols.assign(l > 0 ? B * L.R * L.K : 0, 0.0f);
      L.arg.assign(B * L.out_size, 0);
    } else {
      L.K = config.layers[l - nc];
      L.M = config.layers[l - nc + 1];
      L.in_size = L.K;
      L.out_size = L.M;
    }
    const std::size_t KM = std::size_t{L.K} * L.M;
    const float a = config.init_scale > 0.0f ? config.init_scale
                                             : static_cast<float>(std::sqrt(6.0 / (double(L.K) + double(L.M))));
    L.w.resize(KM);
    for (auto& x : L.w) x = static_cast<float>((2.0 * uniform01(I.rng) - 1.0) * a);
    L.wbt.resize(KM);
    L.wb.resize(KM);
    L.dw.resize(KM);
    L.mw.assign(KM, 0.0f);
    L.vw.assign(KM, 0.0f);
    L.gamma.assign(L.M, 1.0f);
    L.beta.assign(L.M, 0.0f);
    L.rmean.assign(L.M, 0.0f);
    L.rvar.assign(L.M, 1.0f);
    for (auto* v : {&L.mg, &L.vg, &L.mb, &L.vb, &L.mean, &L.invstd, &L.dgamma, &L.dbeta}) v->assign(L.M, 0.0f);
    for (auto* v : {&L.s, &L.xhat, &L.y, &L.dy, &L.ds}) v->assign(B * L.R * L.M, 0.0f);
    I.act[l].assign(B * L.in_size, 0.0f);
    I.dact[l].assign(l > 0 ? B * L.in_size : 0, 0.0f);
    if (config.support_block > 0) {
      L.P = config.support_block;
      L.B = (L.K + L.P - 1) / L.P;
      L.step = support_step(config.support_bits);
      L.top = static_cast<float>((1u << config.support_bits) - 1u);
      const std::size_t MB = std::size_t{L.M} * L.B;
      L.sup.assign(MB, 1.0f);
      L.code.assign(MB, 0.0f);
      for (auto* v : {&L.dsup, &L.msup, &L.vsup}) v->assign(MB, 0.0f);
      I.quantize(L);
    }
    I.binarize(L);
  }
}

BnnTrainer::~BnnTrainer() = default;

const TrainerConfig& BnnTrainer::config() const { return impl_->cfg; }
unsigned BnnTrainer::epochs_done() const { return impl_->epochs; }

EpochResult BnnTrainer::train_epoch(const Dataset& train) {
  Impl& I = *impl_;
  check_dataset(I.cfg, train);
  if (train.size() < 2) throw std::invalid_argument("training set " + train.name + " needs at least 2 samples");
  const auto t0 = std::chrono::steady_clock::now();
  // hardware-aware: the transfer functions of the current network (a fresh or resumed
  // trainer has none yet; afterwards the end of the previous epoch placed them)
  if (I.cfg.hw_rows > 0 && I.hw.empty()) calibrate_hw(train);
  EpochResult r;
  r.lr = learning_rate(I.cfg, I.epochs);
  std::vector<std::uint32_t> order(train.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
  for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[uniform_below(I.rng, i)]);
  const std::size_t P = train.pixels();
  std::vector<std::uint8_t> px(std::size_t{I.cfg.batch} * P), lab(I.cfg.batch);
  double loss = 0.0;
  std::size_t correct = 0, seen = 0, batches = 0;
  for (std::size_t start = 0; start < order.size(); start += I.cfg.batch) {
    std::size_t n = std::min<std::size_t>(I.cfg.batch, order.size() - start);
    if (n < 2) break;  // batch norm needs two samples; at most one sample is left out
    for (std::size_t b = 0; b < n; ++b) {
      const std::uint8_t* src = train.image(order[start + b]);
      std::uint8_t* dst = px.data() + b * P;
      if (I.cfg.shift == 0) {
        std::copy_n(src, P, dst);
      } else {
        const std::size_t span = 2 * std::size_t{I.cfg.shift} + 1;
        const int dx = static_cast<int>(uniform_below(I.rng, span)) - static_cast<int>(I.cfg.shift);
        const int dy = static_cast<int>(uniform_below(I.rng, span)) - static_cast<int>(I.cfg.shift);
        translate_image(src, train.rows, train.cols, dx, dy, dst);
      }
      lab[b] = train.labels[order[start + b]];
    }
    encode_input(I.cfg, px.data(), n * P, I.act[0].data());
    I.step(n, lab.data(), r.lr, loss, correct);
    seen += n;
    ++batches;
    if (I.cfg.hw_rows > 0 && I.cfg.hw_recalibrate > 0 && batches % I.cfg.hw_recalibrate == 0) calibrate_hw(train);
  }
  if (I.cfg.hw_rows > 0) calibrate_hw(train);  // what the platform would place for this network
  ++I.epochs;
  r.epoch = I.epochs;
  r.loss = loss / static_cast<double>(seen);
  r.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

namespace {
constexpr std::size_t kChunk = 256;
template <class Layers>
std::vector<std::vector<float>> infer_buffers(const Layers& layers) {
  const std::size_t nl = layers.size();
  std::vector<std::vector<float>> buf(nl + 2);
  for (std::size_t l = 0; l < nl; ++l) buf[l].resize(kChunk * layers[l].in_size);
  std::size_t widest = 0;
  for (const auto& L : layers) widest = std::max<std::size_t>(widest, L.M);
  buf[nl + 1].resize(kChunk * widest);
  return buf;
}
}  // namespace

std::vector<unsigned> BnnTrainer::predict(const Dataset& data) const {
  const Impl& I = *impl_;
  check_dataset(I.cfg, data);
  constexpr std::size_t chunk = kChunk;
  auto buf = infer_buffers(I.layers);
  std::vector<unsigned> pred(data.size());
  for (std::size_t b = 0; b < data.size(); b += chunk)
    I.infer(data, b, std::min(chunk, data.size() - b), buf, pred.data() + b);
  return pred;
}

double BnnTrainer::evaluate(const Dataset& data) const {
  if (data.size() == 0) return 0.0;
  const auto pred = predict(data);
  std::size_t ok = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) ok += pred[i] == data.labels[i];
  return static_cast<double>(ok) / static_cast<double>(pred.size());
}

FloatNetwork BnnTrainer::export_float_network(const std::string& description) const {
  const Impl& I = *impl_;
  if (!I.cfg.float_mode) throw std::invalid_argument("export_float_network: not a float-mode trainer");
  FloatNetwork net;
  net.mode = I.cfg.mode;
  net.input = I.cfg.input;
  net.input_bits = I.cfg.input_bits;
  net.input_threshold = I.cfg.input_threshold;
  net.description = description;
  for (const auto& L : I.layers) {
    FloatLayer out;
    out.conv = L.conv;
    if (L.conv) out.shape = L.cs;
    out.inputs = L.K;
    out.outputs = L.M;
    out.weights.resize(std::size_t{L.K} * L.M);
    for (std::size_t k = 0; k < L.K; ++k)
      for (std::size_t j = 0; j < L.M; ++j) out.weights[j * L.K + k] = L.w[k * L.M + j];
    out.scale.resize(L.M);
    out.bias.resize(L.M);
    for (std::size_t j = 0; j < L.M; ++j) {
      out.scale[j] = L.gamma[j] / std::sqrt(L.rvar[j] + I.cfg.bn_epsilon);
      out.bias[j] = L.beta[j] - L.rmean[j] * out.scale[j];
    }
    net.layers.push_back(std::move(out));
  }
  return net;
}

BnnNetwork BnnTrainer::export_network(const std::string& description) const {
  const Impl& I = *impl_;
  if (I.cfg.float_mode) throw std::invalid_argument("export_network: a float-mode network cannot be exported");
  BnnNetwork net;
  net.mode = I.cfg.mode;
  net.input = I.cfg.input;
  net.input_bits = I.cfg.input_bits;
  net.input_threshold = I.cfg.input_threshold;
  net.description = description;
  const std::size_t nl = I.layers.size();
  for (std::size_t l = 0; l < nl; ++l) {
    const auto& L = I.layers[l];
    BnnLayer out;
    if (L.conv) {
      out.kind = LayerKind::conv;
      out.conv = L.cs;
    }
    out.inputs = L.K;
    out.outputs = L.M;
    out.weights.resize(std::size_t{L.M} * L.K);
    for (std::size_t j = 0; j < L.M; ++j)
      for (std::size_t k = 0; k < L.K; ++k) out.weights[j * L.K + k] = L.w[k * L.M + j] >= 0.0f ? 1 : -1;
    if (L.P > 0) {
      out.support_block = L.P;
      out.support_bits = I.cfg.support_bits;
      out.support.resize(L.code.size());
      for (std::size_t i = 0; i < L.code.size(); ++i) out.support[i] = static_cast<std::uint8_t>(L.code[i]);
      out.support_default = default_support_code(out.support);
      out.support_step = L.step;
    }
    for (std::size_t j = 0; j < L.M; ++j) {
      const float inv = 1.0f / std::sqrt(L.rvar[j] + I.cfg.bn_epsilon);
      if (l + 1 < nl) {
        const auto f = fold_batch_norm(L.gamma[j], L.beta[j], L.rmean[j], inv, max_abs_sum(I.cfg, l, L.K));
        out.threshold.push_back(f.threshold);
        out.flip.push_back(f.flip ? 1 : 0);
      } else {
        const float scale = L.gamma[j] * inv;
        out.scale.push_back(scale);
        out.bias.push_back(L.beta[j] - L.rmean[j] * scale);
      }
    }
    net.layers.push_back(std::move(out));
  }
  return net;
}

void BnnTrainer::calibrate_hw(const Dataset& samples) {
  Impl& I = *impl_;
  if (I.cfg.hw_rows == 0) throw std::logic_error("calibrate_hw: hardware-aware sensing is off (hw_rows = 0)");
  check_dataset(I.cfg, samples);
  const Dataset cal = samples.head(I.cfg.hw_calibration_samples);
  if (cal.size() == 0) throw std::invalid_argument("calibrate_hw: no calibration images in " + samples.name);
  QuantizedNetwork qn(export_network(""), hw_mapping(I.cfg));
  qn.calibrate(cal.images.data(), cal.size(), cal.pixels());
  std::vector<Impl::HwLayer> hw(I.layers.size());
  for (std::size_t l = 0; l < hw.size(); ++l) {
    const MappedLayer& m = qn.layer(l);
    for (unsigned rb = 0; rb < m.row_blocks(); ++rb) {
      const std::vector<Quantizer>& q = m.quantizers(rb, 0);
      if (q.size() != 1) throw std::logic_error("calibrate_hw: a parallel read has one sensing segment per row block");
      hw[l].range.push_back(q.front().range());
      hw[l].lut.push_back(q.front().lut());
    }
  }
  I.hw = std::move(hw);
}

bool BnnTrainer::hw_calibrated() const { return !impl_->hw.empty(); }

std::vector<float> BnnTrainer::layer_sums(const Dataset& data, std::size_t layer) const {
  const Impl& I = *impl_;
  check_dataset(I.cfg, data);
  if (layer >= I.layers.size()) throw std::invalid_argument("layer_sums: no layer " + std::to_string(layer));
  const auto& L = I.layers[layer];
  auto buf = infer_buffers(I.layers);
  std::vector<unsigned> dummy(kChunk);
  std::vector<float> out;
  out.reserve(data.size() * L.R * L.M);
  for (std::size_t b = 0; b < data.size(); b += kChunk) {
    const std::size_t n = std::min(kChunk, data.size() - b);
    I.infer(data, b, n, buf, dummy.data(), layer);
    out.insert(out.end(), buf[I.layers.size() + 1].begin(),
               buf[I.layers.size() + 1].begin() + static_cast<std::ptrdiff_t>(n * L.R * L.M));
  }
  return out;
}

std::vector<std::uint8_t> BnnTrainer::support_codes(std::size_t layer) const {
  const Impl& I = *impl_;
  if (layer >= I.layers.size()) throw std::invalid_argument("support_codes: no layer " + std::to_string(layer));
  const auto& L = I.layers[layer];
  std::vector<std::uint8_t> out(L.code.size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = static_cast<std::uint8_t>(L.code[i]);
  return out;
}

void BnnTrainer::init_from_network(const BnnNetwork& net, const Dataset& calibration) {
  Impl& I = *impl_;
  const TrainerConfig& c = I.cfg;
  auto bad = [](const std::string& m) { throw std::invalid_argument("init_from_network: " + m); };
  if (c.float_mode) bad("not in float mode");
  if (net.mode != c.mode) bad("the network's cell mode differs from the config's");
  if (net.input != c.input) bad("the network's input encoding differs from the config's");
  if (c.input == InputEncoding::bit_serial ? net.input_bits != c.input_bits : net.input_threshold != c.input_threshold)
    bad("the network's input bits / threshold differ from the config's");
  if (net.layers.size() != I.layers.size()) bad("layer count differs from the config's");
  for (const auto& L : I.layers)
    if (L.conv) bad("conv layers are not supported (supports are for dense networks)");
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& N = net.layers[l];
    if (N.inputs != I.layers[l].K || N.outputs != I.layers[l].M)
      bad("layer " + std::to_string(l) + " shape differs from the config's");
    if (N.has_supports()) bad("layer " + std::to_string(l) + " already has supports (expected a plain binary network)");
  }
  validate_network(net, "init_from_network");
  check_dataset(c, calibration);
  I.hw.clear();  // the network's exact sums set the batch norm
  const Dataset cal = calibration.head(10000);
  if (cal.size() < 2) bad("the calibration set needs at least 2 images");
  const std::size_t nl = I.layers.size();
  for (std::size_t l = 0; l < nl; ++l) {
    auto& L = I.layers[l];
    const BnnLayer& N = net.layers[l];
    // Frozen: only the signs matter (±0.5).  Trained (--train-weights): ±a/2, the mean |w| of
    // the U(−a, a) init a fresh run starts from (a = init_scale or Glorot), so a weight can flip
    // within the Adam steps of a fine-tuning run (from ±0.5 at lr 3e-3 it takes > 160 steps of
    // one sign, and in practice none flips).
    const float a = c.init_scale > 0.0f ? c.init_scale
                                        : static_cast<float>(std::sqrt(6.0 / (double(L.K) + double(L.M))));
    const float mag = c.freeze_weights ? 0.5f : 0.5f * a;
    for (std::size_t j = 0; j < L.M; ++j)
      for (std::size_t k = 0; k < L.K; ++k) L.w[k * L.M + j] = N.weights[j * L.K + k] > 0 ? mag : -mag;
    if (L.P > 0) {
      std::fill(L.sup.begin(), L.sup.end(), 1.0f);
      I.quantize(L);
    }
    I.binarize(L);
  }
  // Layer by layer: statistics of the (supported) sums with the layers before already set,
  // then γ, β such that the float predicate reproduces the network's decision.
  auto buf = infer_buffers(I.layers);
  std::vector<unsigned> dummy(kChunk);
  for (std::size_t l = 0; l < nl; ++l) {
    auto& L = I.layers[l];
    const BnnLayer& N = net.layers[l];
    std::vector<double> sum(L.M, 0.0), sq(L.M, 0.0);
    for (std::size_t b = 0; b < cal.size(); b += kChunk) {
      const std::size_t n = std::min(kChunk, cal.size() - b);
      I.infer(cal, b, n, buf, dummy.data(), l);
      const float* s = buf[nl + 1].data();
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < L.M; ++j) {
          sum[j] += s[i * L.M + j];
          sq[j] += double{s[i * L.M + j]} * s[i * L.M + j];
        }
    }
    const double cnt = static_cast<double>(cal.size());
    const float c0 = L.P > 0 ? L.code[0] : 1.0f;  // every support starts at the same code
    for (std::size_t j = 0; j < L.M; ++j) {
      const double mean = sum[j] / cnt;
      const double var = std::max(0.0, sq[j] / cnt - mean * mean);
      L.rmean[j] = static_cast<float>(mean);
      L.rvar[j] = static_cast<float>(var);
      const float inv = 1.0f / std::sqrt(L.rvar[j] + c.bn_epsilon);
      if (l + 1 < nl) {  // fire ⇔ s >= c0·t (flip: s <= c0·t); boundary half a step away
        const float t = static_cast<float>(N.threshold[j]);
        if (!N.flip[j]) {
          L.gamma[j] = 1.0f;
          L.beta[j] = (L.rmean[j] - c0 * (t - 0.5f)) * inv;
        } else {
          L.gamma[j] = -1.0f;
          L.beta[j] = (c0 * (t + 0.5f) - L.rmean[j]) * inv;
        }
      } else {  // logit = scale·s_bin + bias = (scale/c0)·s + bias
        const float sc = N.scale[j] / c0;
        L.gamma[j] = sc / inv;
        L.beta[j] = N.bias[j] + sc * L.rmean[j];
      }
    }
  }
}

void BnnTrainer::recalibrate_batch_norm(const Dataset& data) {
  Impl& I = *impl_;
  check_dataset(I.cfg, data);
  if (data.size() < 2) throw std::invalid_argument("recalibrate_batch_norm: needs at least 2 images");
  const std::size_t nl = I.layers.size();
  auto buf = infer_buffers(I.layers);
  std::vector<unsigned> dummy(kChunk);
  for (std::size_t l = 0; l < nl; ++l) {  // layer by layer: the layers before use their new statistics
    auto& L = I.layers[l];
    std::vector<double> sum(L.M, 0.0), sq(L.M, 0.0);
    for (std::size_t b = 0; b < data.size(); b += kChunk) {
      const std::size_t n = std::min(kChunk, data.size() - b);
      I.infer(data, b, n, buf, dummy.data(), l);
      const float* s = buf[nl + 1].data();
      for (std::size_t i = 0; i < n * L.R; ++i)
        for (std::size_t j = 0; j < L.M; ++j) {
          sum[j] += s[i * L.M + j];
          sq[j] += double{s[i * L.M + j]} * s[i * L.M + j];
        }
    }
    const double cnt = static_cast<double>(data.size() * L.R);
    for (std::size_t j = 0; j < L.M; ++j) {
      const double mean = sum[j] / cnt;
      L.rmean[j] = static_cast<float>(mean);
      L.rvar[j] = static_cast<float>(std::max(0.0, sq[j] / cnt - mean * mean));
    }
  }
}

void BnnTrainer::set_batch_norm(std::size_t layer, const std::vector<float>& gamma, const std::vector<float>& beta,
                                const std::vector<float>& mean, const std::vector<float>& var) {
  Impl& I = *impl_;
  if (layer >= I.layers.size()) throw std::invalid_argument("set_batch_norm: no layer " + std::to_string(layer));
  auto& L = I.layers[layer];
  for (const auto* v : {&gamma, &beta, &mean, &var})
    if (v->size() != L.M)
      throw std::invalid_argument("set_batch_norm: layer " + std::to_string(layer) + " needs " +
                                  std::to_string(L.M) + " values per parameter");
  L.gamma = gamma;
  L.beta = beta;
  L.rmean = mean;
  L.rvar = var;
}

std::string trainer_config_key(const TrainerConfig& c) {
  std::ostringstream o;
  auto f = [&o](const char* name, float v) {  // exact bits of a float
    std::uint32_t b;
    std::memcpy(&b, &v, 4);
    o << name << "=0x" << std::hex << b << std::dec << " ";
  };
  o << "mode=" << int(c.mode) << " input=" << int(c.input) << " input_bits=" << c.input_bits
    << " input_threshold=" << c.input_threshold << " layers=";
  for (auto w : c.layers) o << w << ",";
  o << " conv=";
  for (const auto& s : c.conv)
    o << s.in_h << "x" << s.in_w << "x" << s.in_c << ">" << s.out_c << ":k" << s.kernel_h << "x" << s.kernel_w << "s"
      << s.stride << "p" << s.pad << "pool" << s.pool << ";";
  o << " epochs=" << c.epochs << " batch=" << c.batch << " ";
  f("lr", c.lr);
  f("lr_final", c.lr_final);
  f("init_scale", c.init_scale);
  f("bn_momentum", c.bn_momentum);
  f("bn_epsilon", c.bn_epsilon);
  o << "shift=" << c.shift << " seed=" << c.seed << " support_block=" << c.support_block
    << " support_bits=" << c.support_bits << " ";
  f("support_lr_scale", c.support_lr_scale);
  o << "freeze_weights=" << c.freeze_weights << " float_mode=" << c.float_mode;
  if (c.hw_rows > 0) {  // absent when off: checkpoints written before hardware-aware training still load
    const SenseConfig& h = c.hw_sense;
    o << " hw_rows=" << c.hw_rows << " hw_sense=" << to_string(h.kind) << "/" << h.bits << "/"
      << to_string(h.quantization) << "/" << int(h.converter) << "/" << int(h.full_scale) << "/" << h.coverage << "/"
      << h.linear_range << " hw_calibration_samples=" << c.hw_calibration_samples
      << " hw_recalibrate=" << c.hw_recalibrate;
  }
  return o.str();
}

namespace {
constexpr char kCheckpointMagic[9] = "CIMVPCKP";
constexpr std::uint32_t kCheckpointVersion = 1;

template <class Layer>
std::vector<std::vector<float>*> checkpoint_vectors(Layer& L) {  // the state of one layer, fixed order
  return {&L.w, &L.mw, &L.vw, &L.gamma, &L.beta, &L.rmean, &L.rvar, &L.mg, &L.vg,
          &L.mb, &L.vb, &L.sup, &L.code, &L.msup, &L.vsup};
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int s = 0; s < 32; s += 8) out.push_back(static_cast<char>(v >> s));
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int s = 0; s < 64; s += 8) out.push_back(static_cast<char>(v >> s));
}
void put_text(std::string& out, const std::string& t) {
  put_u32(out, static_cast<std::uint32_t>(t.size()));
  out += t;
}
std::uint32_t crc_of(const std::string& s, std::size_t n) {
  return static_cast<std::uint32_t>(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(s.data()),
                                          static_cast<uInt>(n)));
}

class CheckpointReader {
 public:
  CheckpointReader(const std::string& data, const std::string& path) : d_(data), path_(path) {}
  std::uint64_t u(int bytes) {
    need(static_cast<std::size_t>(bytes));
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= std::uint64_t{static_cast<unsigned char>(d_[off_ + i])} << (8 * i);
    off_ += static_cast<std::size_t>(bytes);
    return v;
  }
  std::string text() {
    const std::size_t n = static_cast<std::size_t>(u(4));
    need(n);
    std::string t = d_.substr(off_, n);
    off_ += n;
    return t;
  }
  void floats(std::vector<float>& v) {
    const std::uint64_t n = u(8);
    if (n != v.size())
      throw std::runtime_error(path_ + ": checkpoint holds a vector of " + std::to_string(n) + " values where the config needs " +
                               std::to_string(v.size()));
    need(n * 4);
    if (n) std::memcpy(v.data(), d_.data() + off_, n * 4);
    off_ += n * 4;
  }
  void need(std::uint64_t n) const {
    if (n > d_.size() - off_) throw std::runtime_error(path_ + ": checkpoint truncated at byte " + std::to_string(off_));
  }
  std::size_t offset() const { return off_; }

 private:
  const std::string& d_;
  const std::string& path_;
  std::size_t off_ = 0;
};
}  // namespace

void BnnTrainer::save_checkpoint(const std::string& path) const {
  const Impl& I = *impl_;
  std::string out(kCheckpointMagic, 8);
  put_u32(out, kCheckpointVersion);
  put_text(out, trainer_config_key(I.cfg));
  put_u32(out, I.epochs);
  put_u64(out, I.steps);
  std::ostringstream rng;
  rng << I.rng;
  put_text(out, rng.str());
  put_u32(out, static_cast<std::uint32_t>(I.layers.size()));
  for (const auto& L : I.layers)
    for (const std::vector<float>* v : checkpoint_vectors(const_cast<Impl::Layer&>(L))) {
      put_u64(out, v->size());
      if (!v->empty()) out.append(reinterpret_cast<const char*>(v->data()), v->size() * 4);
    }
  put_u32(out, crc_of(out, out.size()));
  const std::string tmp = path + ".tmp";  // written whole, then renamed: never a half checkpoint
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) throw std::runtime_error(tmp + ": cannot create checkpoint file (" + std::strerror(errno) + ")");
    f.write(out.data(), static_cast<std::streamsize>(out.size()));
    f.close();
    if (!f) throw std::runtime_error(tmp + ": write error");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(path + ": cannot rename the checkpoint into place (" + std::strerror(errno) + ")");
}

void BnnTrainer::load_checkpoint(const std::string& path) {
  Impl& I = *impl_;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot open checkpoint (" + std::strerror(errno) + ")");
  const std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (data.size() < 16 || data.compare(0, 8, kCheckpointMagic) != 0)
    throw std::runtime_error(path + ": not a cimvp-train checkpoint (magic \"CIMVPCKP\" missing)");
  CheckpointReader r(data, path);
  const std::size_t body = data.size() - 4;
  const std::string tail = data.substr(body);
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) stored |= std::uint32_t{static_cast<unsigned char>(tail[i])} << (8 * i);
  if (stored != crc_of(data, body)) throw std::runtime_error(path + ": checkpoint checksum mismatch (file corrupt)");
  r.u(4);
  r.u(4);
  const std::uint64_t version = r.u(4);
  if (version != kCheckpointVersion)
    throw std::runtime_error(path + ": checkpoint version " + std::to_string(version) + " (allowed " +
                             std::to_string(kCheckpointVersion) + ")");
  const std::string key = r.text();
  const std::string want = trainer_config_key(I.cfg);
  if (key != want)
    throw std::runtime_error(path + ": checkpoint was written for another training config (resume with the same "
                             "options):\n  checkpoint: " + key + "\n  now:        " + want);
  const unsigned epochs = static_cast<unsigned>(r.u(4));
  const std::uint64_t steps = r.u(8);
  std::istringstream rs(r.text());
  std::mt19937_64 rng;
  rs >> rng;
  if (!rs) throw std::runtime_error(path + ": checkpoint generator state unreadable");
  if (r.u(4) != I.layers.size()) throw std::runtime_error(path + ": checkpoint layer count differs from the config");
  std::vector<Impl::Layer> layers = I.layers;
  for (auto& L : layers)
    for (std::vector<float>* v : checkpoint_vectors(L)) r.floats(*v);
  if (r.offset() != body)
    throw std::runtime_error(path + ": " + std::to_string(body - r.offset()) + " unexpected bytes in the checkpoint");
  if (epochs > I.cfg.epochs)
    throw std::runtime_error(path + ": checkpoint after epoch " + std::to_string(epochs) + " of " +
                             std::to_string(I.cfg.epochs));
  I.layers = std::move(layers);
  I.hw.clear();  // derived state: the next train_epoch (or calibrate_hw) places it again
  for (auto& L : I.layers) I.binarize(L);
  I.epochs = epochs;
  I.steps = steps;
  I.rng = rng;
}

void train_network(BnnTrainer& trainer, const Dataset& train, const Dataset& test,
                   const std::function<void(const EpochResult&, double)>& on_epoch) {
  while (trainer.epochs_done() < trainer.config().epochs) {
    const EpochResult r = trainer.train_epoch(train);
    const double acc = test.size() ? trainer.evaluate(test) : -1.0;
    if (on_epoch) on_epoch(r, acc);
  }
}

// ---------------------------------------------------------------------------------------
namespace {

// Effective integer weights M×K of every layer: W[j][k] · code_{j,⌊k/p⌋} at the drop level.
std::vector<std::vector<std::int32_t>> effective_weights(const BnnNetwork& net, unsigned drop_permille,
                                                         const DropOrders* orders) {
  if (orders && orders->size() != net.layers.size())
    throw std::invalid_argument("integer_predict: " + std::to_string(orders->size()) + " drop orders for " +
                                std::to_string(net.layers.size()) + " layers");
  std::vector<std::vector<std::int32_t>> w(net.layers.size());
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const BnnLayer& L = net.layers[l];
    w[l].assign(L.weights.begin(), L.weights.end());
    if (!L.has_supports()) continue;
    const SupportShape shape{L.inputs, L.outputs, L.support_block, L.support_bits};
    std::vector<std::uint8_t> codes;
    if (orders) {
      validate_supports(shape, L.support, L.support_default, "integer_predict");
      const auto& order = (*orders)[l];
      if (order.size() != L.support.size())
        throw std::invalid_argument("integer_predict: drop order of layer " + std::to_string(l) + " has " +
                                    std::to_string(order.size()) + " entries, expected " +
                                    std::to_string(L.support.size()));
      codes = L.support;
      const std::uint64_t n = dropped_supports(shape, drop_permille);
      for (std::uint64_t i = 0; i < n; ++i) codes.at(order[i]) = L.support_default;
    } else {
      codes = effective_supports(shape, L.support, L.support_default, drop_permille);
    }
    const unsigned B = shape.blocks();
    for (std::size_t j = 0; j < L.outputs; ++j)
      for (std::size_t k = 0; k < L.inputs; ++k) w[l][j * L.inputs + k] *= codes[j * B + k / L.support_block];
  }
  return w;
}

// Integer inference of every image; hook(l, x, s) sees the inputs and sums of each layer.
template <class Hook>
std::vector<unsigned> run_integer(const BnnNetwork& net, const std::vector<std::vector<std::int32_t>>& w,
                                  const Dataset& data, Hook&& hook) {
  if (data.pixels() != net.layers.front().input_size())
    throw std::invalid_argument("integer_predict: images have " + std::to_string(data.pixels()) +
                                " pixels, the network expects " + std::to_string(net.layers.front().input_size()));
  const bool xnor = net.mode == CellMode::xnor_8t;
  std::size_t widest = net.layers.front().input_size();
  for (const auto& L : net.layers)
    widest = std::max<std::size_t>({widest, L.outputs, L.output_size(), L.is_conv() ? L.conv.conv_output_bits() : 0});
  std::vector<std::int32_t> x(widest), s(widest), win, fired(widest);
  std::vector<unsigned> pred(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) {
    const std::uint8_t* px = data.image(i);
    for (std::size_t k = 0; k < data.pixels(); ++k)
      x[k] = net.input == InputEncoding::bit_serial ? std::int32_t{px[k]} >> (8 - net.input_bits)
                                                    : (px[k] >= net.input_threshold ? 1 : (xnor ? -1 : 0));
    for (std::size_t l = 0; l < net.layers.size(); ++l) {
      const BnnLayer& L = net.layers[l];
      if (L.is_conv()) {  // every window like a dense layer's vector, threshold, then max pooling
        const ConvShape& c = L.conv;
        const std::int32_t off = l == 0 && net.input == InputEncoding::bit_serial ? 0 : (xnor ? -1 : 0);
        win.resize(L.inputs);
        for (unsigned oy = 0; oy < c.out_h(); ++oy)
          for (unsigned ox = 0; ox < c.out_w(); ++ox) {
            for (unsigned ky = 0; ky < c.kernel_h; ++ky)
              for (unsigned kx = 0; kx < c.kernel_w; ++kx) {
                const long yy = long(oy) * c.stride - long(c.pad) + ky, xx = long(ox) * c.stride - long(c.pad) + kx;
                const bool in = yy >= 0 && yy < long(c.in_h) && xx >= 0 && xx < long(c.in_w);
                for (unsigned ch = 0; ch < c.in_c; ++ch)
                  win[(std::size_t{ky} * c.kernel_w + kx) * c.in_c + ch] =
                      in ? x[(std::size_t(yy) * c.in_w + std::size_t(xx)) * c.in_c + ch] : off;
              }
            for (std::size_t j = 0; j < L.outputs; ++j) {
              const std::int32_t* wj = w[l].data() + j * L.inputs;
              std::int32_t acc = 0;
              for (std::size_t k = 0; k < L.inputs; ++k) acc += wj[k] * win[k];
              fired[(std::size_t{oy} * c.out_w() + ox) * L.outputs + j] =
                  L.flip[j] ? acc <= L.threshold[j] : acc >= L.threshold[j];
            }
          }
        for (unsigned py = 0; py < c.pooled_h(); ++py)
          for (unsigned px = 0; px < c.pooled_w(); ++px)
            for (std::size_t j = 0; j < L.outputs; ++j) {
              std::int32_t any = 0;
              for (unsigned dy = 0; dy < c.pool; ++dy)
                for (unsigned dx = 0; dx < c.pool; ++dx)
                  any |= fired[((std::size_t{py} * c.pool + dy) * c.out_w() + px * c.pool + dx) * L.outputs + j];
              x[(std::size_t{py} * c.pooled_w() + px) * L.outputs + j] = any ? 1 : (xnor ? -1 : 0);
            }
        continue;
      }
      for (std::size_t j = 0; j < L.outputs; ++j) {
        const std::int32_t* wj = w[l].data() + j * L.inputs;
        std::int32_t acc = 0;
        for (std::size_t k = 0; k < L.inputs; ++k) acc += wj[k] * x[k];
        s[j] = acc;
      }
      hook(l, x.data(), s.data());
      if (l + 1 < net.layers.size()) {
        for (std::size_t j = 0; j < L.outputs; ++j) {
          const bool fire = L.flip[j] ? s[j] <= L.threshold[j] : s[j] >= L.threshold[j];
          x[j] = fire ? 1 : (xnor ? -1 : 0);
        }
      } else {
        unsigned arg = 0;
        float best = last_logit(L.scale[0], static_cast<float>(s[0]), L.bias[0]);
        for (std::size_t j = 1; j < L.outputs; ++j) {
          const float v = last_logit(L.scale[j], static_cast<float>(s[j]), L.bias[j]);
          if (v > best) {
            best = v;
            arg = static_cast<unsigned>(j);
          }
        }
        pred[i] = arg;
      }
    }
  }
  return pred;
}

}  // namespace

std::vector<unsigned> integer_predict(const BnnNetwork& net, const Dataset& data, unsigned drop_permille,
                                      const DropOrders* orders) {
  validate_network(net, "integer_predict");
  const auto w = effective_weights(net, drop_permille, orders);
  return run_integer(net, w, data, [](std::size_t, const std::int32_t*, const std::int32_t*) {});
}

double integer_accuracy(const BnnNetwork& net, const Dataset& data, unsigned drop_permille, const DropOrders* orders) {
  if (data.size() == 0) return 0.0;
  const auto pred = integer_predict(net, data, drop_permille, orders);
  std::size_t ok = 0;
  for (std::size_t i = 0; i < pred.size(); ++i) ok += pred[i] == data.labels[i];
  return static_cast<double>(ok) / static_cast<double>(pred.size());
}

DropOrders data_aware_drop_orders(const BnnNetwork& net, const Dataset& data) {
  validate_network(net, "data_aware_drop_orders");
  const auto w = effective_weights(net, 0, nullptr);
  const std::size_t nl = net.layers.size();
  std::vector<std::vector<double>> part(nl), sum(nl), sq(nl);
  for (std::size_t l = 0; l < nl; ++l) {
    const BnnLayer& L = net.layers[l];
    if (!L.has_supports()) continue;
    part[l].assign(L.support.size(), 0.0);
    sum[l].assign(L.outputs, 0.0);
    sq[l].assign(L.outputs, 0.0);
  }
  run_integer(net, w, data, [&](std::size_t l, const std::int32_t* x, const std::int32_t* s) {
    const BnnLayer& L = net.layers[l];
    if (!L.has_supports()) return;
    const unsigned p = L.support_block, B = (L.inputs + p - 1) / p;
    for (std::size_t j = 0; j < L.outputs; ++j) {
      const std::int8_t* wj = L.weights.data() + j * L.inputs;
      for (unsigned b = 0; b < B; ++b) {
        std::int32_t acc = 0;
        for (std::size_t k = std::size_t{b} * p; k < std::min<std::size_t>(L.inputs, std::size_t{b} * p + p); ++k)
          acc += std::int32_t{wj[k]} * x[k];
        part[l][j * B + b] += std::abs(acc);
      }
      sum[l][j] += s[j];
      sq[l][j] += double(s[j]) * double(s[j]);
    }
  });
  DropOrders orders(nl);
  const double n = std::max<double>(1.0, static_cast<double>(data.size()));
  for (std::size_t l = 0; l < nl; ++l) {
    const BnnLayer& L = net.layers[l];
    if (!L.has_supports()) continue;
    const unsigned B = (L.inputs + L.support_block - 1) / L.support_block;
    std::vector<double> cost(L.support.size());
    for (std::size_t i = 0; i < cost.size(); ++i) {
      const std::size_t j = i / B;
      const double mean = sum[l][j] / n;
      const double sd = std::sqrt(std::max(1.0, sq[l][j] / n - mean * mean));  // at least one integer unit
      cost[i] = std::abs(int{L.support[i]} - int{L.support_default}) * (part[l][i] / n) / sd;
    }
    auto& order = orders[l];
    order.resize(cost.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = static_cast<std::uint32_t>(i);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return cost[a] < cost[b]; });
  }
  return orders;
}

}  // namespace cimvp
