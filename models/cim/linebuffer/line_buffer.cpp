#include "cimvp/cim/linebuffer/line_buffer.h"

#include "cimvp/core/trace_util.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace cimvp {

const char* to_string(PaddingSource p) { return p == PaddingSource::streamed ? "streamed" : "generated"; }

namespace {
const LineBufferGeometry& checked(const LineBufferGeometry& g, const sc_core::sc_time& step, const char* who) {
  const std::string e = g.check();
  if (!e.empty()) throw std::invalid_argument(std::string(who) + ": " + e);
  if (step <= sc_core::SC_ZERO_TIME) throw std::invalid_argument(std::string(who) + ": time_step must be > 0");
  return g;
}
}  // namespace

LineBuffer::LineBuffer(sc_core::sc_module_name name, const LineBufferGeometry& g, PaddingSource padding,
                       const sc_core::sc_time& time_step, bool record, const char* msg_type)
    : sc_core::sc_module(name),
      in("in"),
      out("out"),
      occupancy("occupancy", 0),
      geom_(checked(g, time_step, msg_type)),
      padding_(padding),
      step_(time_step),
      record_(record),
      msg_type_(msg_type),
      pixel_words_(words_for_bits(g.in_c)),
      ring_(g.kernel_h, std::size_t{g.in_w} * g.in_c),
      window_(words_for_bits(g.window_bits()), 0),
      wake_ev_("wake_ev") {
  in.bind(*this);
  c_pixels_ = counters_.declare("pixels_in");
  c_padding_ = counters_.declare("padding_slots");
  c_windows_ = counters_.declare("windows");
  c_images_ = counters_.declare("images");
  SC_HAS_PROCESS(LineBuffer);
  SC_METHOD(process);
  sensitive << wake_ev_;
  dont_initialize();
}

void LineBuffer::reset() {
  queue_.clear();
  ring_.resize(ring_.rows(), ring_.bits());
  cursor_ = 0;
  image_ = 0;
  taken_ = 0;
  held_ = 0;
  window_step_ = ~std::uint64_t{0};
  occ_log_.clear();
  wake_ev_.cancel();
  occupancy.write(0);
}

void LineBuffer::trace(sc_core::sc_trace_file* tf) const { trace_member(tf, occupancy, *this, "occupancy"); }

void LineBuffer::error(const std::string& what) const {
  std::ostringstream os;
  os << name() << ": " << what;
  SC_REPORT_ERROR(msg_type_, os.str().c_str());
}

void LineBuffer::push_pixel(const Word* bits, std::uint64_t ready_step) {
  const std::uint64_t now = current_step(step_);
  Slot s;
  s.ready = std::max(ready_step, now);
  s.bits.assign(bits, bits + pixel_words_);
  if (geom_.in_c % kWordBits != 0) s.bits.back() &= low_mask(geom_.in_c % kWordBits);
  queue_.push_back(std::move(s));
  wake_ev_.notify(step_ * static_cast<double>(queue_.back().ready - now));
}

void LineBuffer::push_padding(std::uint64_t ready_step) {
  if (padding_ != PaddingSource::streamed) {
    error("push_padding on a buffer that makes its own padding (padding: generated)");
    return;
  }
  const std::uint64_t now = current_step(step_);
  Slot s;
  s.pad = true;
  s.ready = std::max(ready_step, now);
  queue_.push_back(std::move(s));
  wake_ev_.notify(step_ * static_cast<double>(queue_.back().ready - now));
}

void LineBuffer::gather(unsigned oy, unsigned ox) {
  std::fill(window_.begin(), window_.end(), Word{0});
  const unsigned C = geom_.in_c;
  const long y0 = static_cast<long>(oy) * geom_.stride - static_cast<long>(geom_.pad);
  const long x0 = static_cast<long>(ox) * geom_.stride - static_cast<long>(geom_.pad);
  for (unsigned ky = 0; ky < geom_.kernel_h; ++ky) {
    const long y = y0 + ky;
    if (y < 0 || y >= static_cast<long>(geom_.in_h)) continue;
    const Word* row = ring_.row(static_cast<std::size_t>(y) % geom_.kernel_h);
    for (unsigned kx = 0; kx < geom_.kernel_w; ++kx) {
      const long x = x0 + kx;
      if (x < 0 || x >= static_cast<long>(geom_.in_w)) continue;
      const std::size_t src = static_cast<std::size_t>(x) * C, dst = (std::size_t{ky} * geom_.kernel_w + kx) * C;
      for (unsigned c = 0; c < C; ++c)
        if ((row[(src + c) / kWordBits] >> ((src + c) % kWordBits)) & 1u)
          window_[(dst + c) / kWordBits] |= Word{1} << ((dst + c) % kWordBits);
    }
  }
}

void LineBuffer::process() {
  const std::uint64_t now = current_step(step_);
  const long frame = static_cast<long>(geom_.frame_slots());
  const std::uint32_t held_before = held_;
  for (;;) {
    unsigned iy = 0, ix = 0, oy = 0, ox = 0;
    const bool real = geom_.real_slot(cursor_, iy, ix);
    const bool from_queue = real || padding_ == PaddingSource::streamed;
    if (from_queue) {
      if (queue_.empty()) break;
      if (queue_.front().ready > now) {
        wake_ev_.notify(step_ * static_cast<double>(queue_.front().ready - now));
        break;
      }
      if (queue_.front().pad == real) {
        error(std::string(real ? "a padding slot" : "a pixel") + " pushed for frame slot " + std::to_string(cursor_) +
              ", which holds " + (real ? "a pixel" : "padding") + " (image " + std::to_string(image_) + ")");
        queue_.pop_front();
        continue;
      }
    } else if (queue_.empty() && cursor_ == 0) {
      break;  // no image started: padding of the next frame waits for its first pixel
    }
    const bool win = geom_.completes(cursor_, oy, ox);
    if (win && window_step_ == now) {  // one crossbar read per step
      wake_ev_.notify(step_);
      break;
    }
    if (real) {
      const Word* src = queue_.front().bits.data();
      Word* row = ring_.row(iy % geom_.kernel_h);
      const std::size_t base = std::size_t{ix} * geom_.in_c;
      for (unsigned c = 0; c < geom_.in_c; ++c) {
        const std::size_t b = base + c;
        const Word m = Word{1} << (b % kWordBits);
        if ((src[c / kWordBits] >> (c % kWordBits)) & 1u)
          row[b / kWordBits] |= m;
        else
          row[b / kWordBits] &= ~m;
      }
      ++taken_;
      held_ = static_cast<std::uint32_t>(std::min<std::uint64_t>(taken_, geom_.capacity_pixels()));
      counters_.add(c_pixels_);
    } else {
      counters_.add(c_padding_);
    }
    if (from_queue) queue_.pop_front();
    ++cursor_;
    if (win) {
      window_step_ = now;
      gather(oy, ox);
      counters_.add(c_windows_);
      out->on_window(image_, oy, ox, window_.data(), now);
    }
    if (cursor_ == frame) {  // image done: the buffer empties for the next frame
      cursor_ = 0;
      ++image_;
      taken_ = 0;
      held_ = 0;
      ring_.resize(ring_.rows(), ring_.bits());
      counters_.add(c_images_);
    }
  }
  if (held_ != held_before || (record_ && occ_log_.empty() && held_ != 0)) {
    occupancy.write(held_);
    if (record_) {
      if (!occ_log_.empty() && occ_log_.back().first == now)
        occ_log_.back().second = held_;
      else
        occ_log_.emplace_back(now, held_);
    }
  }
}

}  // namespace cimvp
