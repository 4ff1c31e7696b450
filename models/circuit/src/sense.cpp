#include "cimvp/circuit/sense.h"

#include "cimvp/circuit/random.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace cimvp {

const char* to_string(SenseKind k) {
  switch (k) {
    case SenseKind::mlsa: return "mlsa";
    case SenseKind::adc: return "adc";
  }
  return "?";
}

SenseKind parse_sense_kind(const std::string& s) {
  if (s == "mlsa") return SenseKind::mlsa;
  if (s == "adc") return SenseKind::adc;
  throw std::invalid_argument("sense kind '" + s + "': expected mlsa|adc");
}

MlsaConfig SenseConfig::mlsa() const {
  MlsaConfig m;
  m.bits = bits;
  m.quantization = quantization;
  m.offset_sigma = offset_sigma;
  m.seed = seed;
  return m;
}

AdcConfig SenseConfig::adc() const {
  AdcConfig a;
  a.kind = converter;
  a.bits = bits;
  a.range = full_scale;
  a.coverage = coverage;
  a.offset_sigma = offset_sigma;
  a.noise_sigma = noise_sigma;
  a.seed = seed;
  return a;
}

void SenseConfig::validate() const {
  if (kind != SenseKind::mlsa && kind != SenseKind::adc)
    throw std::invalid_argument("SenseConfig.kind = " + std::to_string(static_cast<int>(kind)) + ": expected mlsa|adc");
  if (mux < 1) throw std::invalid_argument("SenseConfig.mux = 0: expected >= 1");
  faults.validate();
  if (kind == SenseKind::mlsa) {
    mlsa().validate();
    if (noise_sigma != 0.0) {
      std::ostringstream os;
      os << "SenseConfig.noise_sigma = " << noise_sigma << ": conversion noise is modelled for the adc kind only (expected 0)";
      throw std::invalid_argument(os.str());
    }
  } else {
    adc().validate();
  }
}

bool SenseConfig::needs_calibration() const {
  return kind == SenseKind::mlsa ? quantization == Quantization::nonlinear : full_scale == AdcRange::calibrated;
}

Quantizer SenseConfig::nominal(PsRange r, unsigned row_scale) const {
  const double limit = static_cast<double>(linear_range) * row_scale;
  if (kind == SenseKind::adc) return adc_transfer(r, bits).saturated(limit);
  return (quantization == Quantization::ideal ? Quantizer::ideal(r) : Quantizer::linear(r, bits)).saturated(limit);
}

Quantizer SenseConfig::calibrated(const PsHistogram& h, unsigned row_scale) const {
  const double limit = static_cast<double>(linear_range) * row_scale;
  if (kind == SenseKind::adc)
    return full_scale == AdcRange::calibrated ? adc_transfer(h, bits, coverage).saturated(limit)
                                              : nominal(h.range(), row_scale);
  return quantization == Quantization::nonlinear ? Quantizer::nonlinear(h, bits).saturated(limit)
                                                 : nominal(h.range(), row_scale);
}

unsigned SenseConfig::max_references() const {
  if (kind == SenseKind::mlsa && quantization == Quantization::ideal) return 2 * kMaxSubArrayRows;
  return bits >= 31 ? ~0u : (1u << bits) - 1;
}

MlsaOffsets SenseConfig::offsets(unsigned cols, unsigned refs, std::uint64_t layer, unsigned rb, unsigned cb) const {
  if (!(offset_sigma > 0.0)) return MlsaOffsets();
  if (kind == SenseKind::mlsa) {
    if (quantization == Quantization::ideal) return MlsaOffsets();
    return MlsaOffsets(cols, (1u << bits) - 1, offset_sigma, derive_seed(seed, {kStreamMlsaOffset, layer, rb, cb}));
  }
  return adc_offsets(cols, refs, offset_sigma, derive_seed(seed, {kAdcOffsetStream, layer, rb, cb}));
}

}  // namespace cimvp
