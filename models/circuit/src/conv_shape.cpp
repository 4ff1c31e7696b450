// Binary convolution windows and max pooling (cimvp/circuit/conv_shape.h).
#include "cimvp/circuit/conv_shape.h"

#include <algorithm>
#include <sstream>

namespace cimvp {

const char* to_string(LayerKind k) {
  switch (k) {
    case LayerKind::fully_connected: return "fully_connected";
    case LayerKind::conv: return "conv";
    case LayerKind::pool: return "pool";
  }
  return "?";
}

std::string ConvShape::check() const {
  std::ostringstream e;
  auto size_ok = [](unsigned v) { return v >= 1 && v <= 65535; };
  if (!size_ok(in_h) || !size_ok(in_w) || !size_ok(in_c))
    e << "input map " << in_h << "x" << in_w << "x" << in_c << " (each of H, W, C must be 1..65535)";
  else if (!size_ok(out_c))
    e << "out_c " << out_c << " (allowed 1..65535)";
  else if (stride < 1 || stride > 65535)
    e << "stride " << stride << " (allowed 1..65535)";
  else if (kernel_h < 1 || kernel_w < 1 || kernel_h > 255 || kernel_w > 255)
    e << "kernel " << kernel_h << "x" << kernel_w << " (each side allowed 1..255)";
  else if (pad >= kernel_h || pad >= kernel_w)
    e << "pad " << pad << " (allowed 0.." << std::min(kernel_h, kernel_w) - 1 << ", below the kernel size)";
  else if (kernel_h > in_h + 2 * pad || kernel_w > in_w + 2 * pad)
    e << "kernel " << kernel_h << "x" << kernel_w << " larger than the padded input "
      << in_h + 2 * pad << "x" << in_w + 2 * pad;
  else if (pool < 1 || pool > out_h() || pool > out_w())
    e << "pool " << pool << " (allowed 1.." << std::min(out_h(), out_w()) << ", the conv output is "
      << out_h() << "x" << out_w() << ")";
  return e.str();
}

namespace {
inline bool get_bit(const Word* v, std::size_t i) { return (v[i / kWordBits] >> (i % kWordBits)) & 1u; }
inline void set_bit(Word* v, std::size_t i) { v[i / kWordBits] |= Word{1} << (i % kWordBits); }
}  // namespace

void gather_window(const ConvShape& s, const Word* map, unsigned oy, unsigned ox, Word* window) {
  std::fill(window, window + words_for_bits(s.window_rows()), Word{0});
  const long y0 = static_cast<long>(oy) * s.stride - static_cast<long>(s.pad);
  const long x0 = static_cast<long>(ox) * s.stride - static_cast<long>(s.pad);
  for (unsigned ky = 0; ky < s.kernel_h; ++ky) {
    const long y = y0 + ky;
    if (y < 0 || y >= static_cast<long>(s.in_h)) continue;
    for (unsigned kx = 0; kx < s.kernel_w; ++kx) {
      const long x = x0 + kx;
      if (x < 0 || x >= static_cast<long>(s.in_w)) continue;
      const std::size_t src = (static_cast<std::size_t>(y) * s.in_w + static_cast<std::size_t>(x)) * s.in_c;
      const std::size_t dst = (std::size_t{ky} * s.kernel_w + kx) * s.in_c;
      for (unsigned c = 0; c < s.in_c; ++c)
        if (get_bit(map, src + c)) set_bit(window, dst + c);
    }
  }
}

void max_pool(const ConvShape& s, const Word* conv_out, Word* pooled) {
  std::fill(pooled, pooled + words_for_bits(s.output_bits()), Word{0});
  const unsigned ph = s.pooled_h(), pw = s.pooled_w(), ow = s.out_w(), p = s.pool;
  for (unsigned py = 0; py < ph; ++py)
    for (unsigned px = 0; px < pw; ++px)
      for (unsigned c = 0; c < s.out_c; ++c) {
        bool any = false;
        for (unsigned dy = 0; dy < p && !any; ++dy)
          for (unsigned dx = 0; dx < p && !any; ++dx)
            any = get_bit(conv_out, ((std::size_t{py} * p + dy) * ow + (std::size_t{px} * p + dx)) * s.out_c + c);
        if (any) set_bit(pooled, (std::size_t{py} * pw + px) * s.out_c + c);
      }
}

}  // namespace cimvp
