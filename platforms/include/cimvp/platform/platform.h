// Elaboration: a cimvp::PlatformConfig becomes a running SoC model.
//
//   host.socket ──► router ──► address_map[i] target (memory.socket, dma.target_socket)
//   dma.initiator_socket ──► router
//   cim.initiator_socket ──► router (when the address map has a "cim" target)
//   router ──► cim.buffer.socket (the activation buffers, when it has a "cim_buffer" target)
//   dma.irq ──► dma_irq ──► host.irq[0];  cim.irq ──► cim_irq ──► host.irq[1];
//   the other host.irq lines tied low
//
// The constructor sets the global TLM quantum (PlatformConfig::quantum_ns); no other
// cimvp code does.  The Host's program is set with run_job() / host.set_program().
#pragma once

#include "cimvp/cim/controller/cim_macro.h"
#include "cimvp/platform/output_file.h"
#include "cimvp/config.h"
#include "cimvp/soc/host/host.h"
#include "cimvp/soc/dma/host_dma.h"
#include "cimvp/soc/memory/memory.h"
#include "cimvp/platform/job.h"
#include "cimvp/soc/router/router.h"

#include <systemc>

#include <memory>
#include <string>

namespace cimvp {

class Platform : public sc_core::sc_module {
 public:
  Host host;
  Router router;
  Memory memory;
  HostDma dma;
  sc_core::sc_signal<bool> dma_irq;                 ///< HostDma.irq → Host.irq[0]
  sc_core::sc_signal<bool> cim_irq;                 ///< CimMacro.irq → Host.irq[1]
  sc_core::sc_vector<sc_core::sc_signal<bool>> irq_tie;  ///< low level for Host.irq[1..] not driven
  /// The CIM macro ("top.cim"), present when the address map has a "cim" target.
  std::unique_ptr<CimMacro> cim;

  /// Builds and binds every module.  `config` must have passed the schema's checks;
  /// std::invalid_argument for an address-map target it does not know.
  Platform(sc_core::sc_module_name name, const PlatformConfig& config);

  /// Makes `job` the Host's program (before sc_start; the job must outlive the run), after
  /// calling job.attach(*this).
  void run_job(Job& job);

  /// Resets every module (Host outcome, Memory contents, HostDma and CIM macro registers,
  /// the macro's stages and buffers) to its state after elaboration; counters are kept.
  /// Call between simulations (no command running).
  void reset();

  /// Traces every module's signals (irq, busy, state, waiting_irq, ...), dma_irq and cim_irq.
  void trace(sc_core::sc_trace_file* tf) const;

  const PlatformConfig& config() const { return config_; }

 private:
  const PlatformConfig config_;
};

/// A VCD trace file written to exactly `path`, through a temporary in the same directory
/// renamed onto `path` by close() (output_file.h: never onto a link or non-regular file,
/// and no other file such as PATH.vcd is touched).  Not closed: the temporary is removed.
class VcdFile {
 public:
  explicit VcdFile(std::string path);
  ~VcdFile();
  VcdFile(const VcdFile&) = delete;
  VcdFile& operator=(const VcdFile&) = delete;
  sc_core::sc_trace_file* get() const { return tf_; }
  /// Closes the file (after the simulation) and renames it onto the path; throws
  /// std::runtime_error if that fails.
  void close() {
    finish();
    commit();
  }
  /// Closes the trace (the temporary is complete) without renaming it yet.
  void finish();
  /// Renames the finished temporary onto the path (output_file.h).
  void commit() { out_.commit(); }
  /// After finish(): keeps only the window [t0, t1] (picoseconds, the file's unit) of the
  /// finished temporary (vcd_window.h).
  void cut_window(std::uint64_t t0_ps, std::uint64_t t1_ps);
  /// Blanks the wall-clock date SystemC writes into a VCD header, in place (same length).
  static void blank_date(const std::string& vcd_file);

 private:
  OutputFile out_;
  sc_core::sc_trace_file* tf_ = nullptr;
};

}  // namespace cimvp
