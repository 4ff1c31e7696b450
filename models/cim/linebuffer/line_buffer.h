// A line buffer between two layers (Tang et al., ASP-DAC 2017, "Line Buffer & Pipeline";
// docs/line-buffers.md): holds the last kernel_h rows of its W × C input map, receives one
// slot per step in raster order (the frame of line_buffer_schedule.h: each row W pixels and
// p padding slots), knows when a window is complete and hands it to its reader in that
// step.  Common part of ConvLineBuffer and PoolLineBuffer.
#pragma once

#include "cimvp/cim/linebuffer/line_buffer_config.h"
#include "cimvp/cim/linebuffer/linebuffer_if.h"
#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/line_buffer_schedule.h"
#include "cimvp/core/counters.h"

#include <systemc>

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

/// Slots are taken in frame order.  In step t the buffer takes every slot it can:
///  - a pixel slot needs a pixel pushed with ready_step ≤ t (else it waits for one);
///  - a padding slot (PaddingSource::generated) needs nothing; with
///    PaddingSource::streamed it needs a push_padding with ready_step ≤ t;
///  - at most one slot per step may complete a window (one crossbar read per step): the
///    window is handed to `out` in that step, the next completing slot waits for t + 1.
/// After the frame's last slot the image is done: the buffer empties and the next image's
/// frame starts.  Pixels pushed beyond the current image queue for the next one.
/// Ports: in (export, pixel_in_if), out (port, window_sink_if).  Signal: occupancy (pixels
/// of the current image held, at most kernel_h·W).  Counters: pixels_in, padding_slots,
/// windows, images.  Message type: the derived module's ("cimvp/linebuffer",
/// "cimvp/pool_linebuffer"); pushes that do not fit the frame are SC_REPORT_ERRORs.
class LineBuffer : public sc_core::sc_module, public pixel_in_if, public Counted {
 public:
  sc_core::sc_export<pixel_in_if> in;
  sc_core::sc_port<window_sink_if> out;
  sc_core::sc_signal<std::uint32_t> occupancy;

  const LineBufferGeometry& geometry() const { return geom_; }
  PaddingSource padding() const { return padding_; }
  const sc_core::sc_time& time_step() const { return step_; }
  /// Pixels held now (the value the occupancy signal takes at the end of this step).
  std::uint32_t held() const { return held_; }
  /// (step, pixels held) after every step in which the occupancy changed (record only).
  const std::vector<std::pair<std::uint64_t, std::uint32_t>>& occupancy_log() const { return occ_log_; }
  /// Images whose frame has been taken completely.
  std::uint64_t images_done() const { return image_; }

  /// Empties the buffer, the queue and the logs; the next slot is slot 0 of image 0.
  void reset();
  void trace(sc_core::sc_trace_file* tf) const;
  const CounterSet& counters() const override { return counters_; }

  // pixel_in_if
  void push_pixel(const Word* bits, std::uint64_t ready_step) override;
  void push_padding(std::uint64_t ready_step) override;

 protected:
  /// Throws std::invalid_argument (message starts with `what`) for a bad geometry or time_step.
  LineBuffer(sc_core::sc_module_name name, const LineBufferGeometry& g, PaddingSource padding,
             const sc_core::sc_time& time_step, bool record, const char* msg_type);

 private:
  struct Slot {
    bool pad = false;
    std::uint64_t ready = 0;
    std::vector<Word> bits;
  };
  void process();  // SC_METHOD on wake_ev_
  void gather(unsigned oy, unsigned ox);
  void error(const std::string& what) const;

  const LineBufferGeometry geom_;
  const PaddingSource padding_;
  const sc_core::sc_time step_;
  const bool record_;
  const char* const msg_type_;
  const std::size_t pixel_words_;
  BitMatrix ring_;  ///< kernel_h rows of W·C bits; input row iy in ring row iy mod kernel_h
  std::vector<Word> window_;
  std::deque<Slot> queue_;
  long cursor_ = 0;           ///< next frame slot
  std::uint64_t image_ = 0;   ///< current image
  std::uint64_t taken_ = 0;   ///< pixels of the current image taken
  std::uint32_t held_ = 0;
  std::uint64_t window_step_ = ~std::uint64_t{0};  ///< step of the last window handed out
  std::vector<std::pair<std::uint64_t, std::uint32_t>> occ_log_;
  sc_core::sc_event wake_ev_;
  CounterSet counters_;
  std::size_t c_pixels_, c_padding_, c_windows_, c_images_;
};

}  // namespace cimvp
