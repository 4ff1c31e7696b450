// Pooling circuit of the layer pipeline (Tang et al., ASP-DAC 2017, "Line Buffer &
// Pipeline", Conv-Pooling-Conv table; docs/line-buffers.md): sleeps until its pooling line
// buffer holds a complete pool × pool window, then ORs it per channel (max pooling of the
// binary map after the threshold, conv_shape.h) and pushes the pixel into the next buffer
// `latency` steps later: 1 by default, the seed's formula counting one step per pooling
// layer (|Pool| in T_pip); 0 reproduces the Conv-Pooling-Conv table, where the pooled
// pixel enters Conv_{K+1}'s buffer in the step the circuit is awake.
#pragma once

#include "cimvp/cim/linebuffer/linebuffer_if.h"
#include "cimvp/cim/pipeline/engine_base.h"
#include "cimvp/circuit/bitpack.h"

#include <systemc>

#include <cstdint>
#include <vector>

namespace cimvp {

struct PoolEngineConfig {
  unsigned channels = 0;  ///< C, bits per pixel (1..65535)
  unsigned pool = 2;      ///< window side (1..255)
  unsigned latency = 1;   ///< steps from the window to the pixel in the next buffer (0..16)
  sc_core::sc_time time_step = sc_core::sc_time(10, sc_core::SC_NS);
  bool record = false;
};

/// Ports: window_in (export), out (port).  Counters: wakes, windows.
class PoolEngine : public PipelineEngine, public window_sink_if {
 public:
  sc_core::sc_export<window_sink_if> window_in;
  sc_core::sc_port<pixel_in_if> out;

  /// Throws std::invalid_argument naming the bad field.
  PoolEngine(sc_core::sc_module_name name, const PoolEngineConfig& config);
  const PoolEngineConfig& config() const { return config_; }

  void on_window(std::uint64_t image, unsigned oy, unsigned ox, const Word* window, std::uint64_t step) override;

 private:
  const PoolEngineConfig config_;
  std::vector<Word> y_;
  std::size_t c_windows_;
};

}  // namespace cimvp
