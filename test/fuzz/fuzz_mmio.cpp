// Fuzz targets `mmio_cim`, `mmio_dma`, `mmio_memory`: random sequences of bus operations
// (mmio_ops.h: b_transport, transport_dbg, nb_transport, DMI requests; any command, length,
// byte enables and streaming width) from an initiator through a TlmChecker into the real
// platform's Router, which routes them to the real CimMacro (and its activation buffer),
// HostDma or Memory.  Commands the operations start (DMA copies, network loads, batches)
// run to their end.
//
// The platform (the built-in default with a 1 MiB DRAM, small activation buffers and
// linear MLSAs, so a network image needs no calibration table) is elaborated once per
// process; every input starts from Platform::reset() (memory zeroed, registers at reset,
// network unloaded, DMI dropped), then runs until no event is left.
//
// Oracle (any violation aborts: a finding):
//  * no crash, no sanitizer report, no SystemC error or fatal report (the TlmChecker
//    reports each protocol violation of the Router and the targets as an error;
//    warnings, which the models give for refused commands, are allowed);
//  * every call returns a response status (not TLM_INCOMPLETE_RESPONSE), a debug access
//    returns at most the length, a granted DMI range holds the address and its first and
//    last bytes can be read;
//  * when the simulation has no event left, neither the DMA nor the macro is BUSY (no
//    deadlock), and the macro never reports an INTERNAL error (an unexpected exception).
//
// CIMVP_FUZZ_DEVICE selects the target: 0 cim, 1 dma, 2 memory.
#include "fuzz_support.h"
#include "mmio_ops.h"

#include "cimvp/core/tlm_checker.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <memory>
#include <string>
#include <vector>

#ifndef CIMVP_FUZZ_DEVICE
#error "define CIMVP_FUZZ_DEVICE (0 cim, 1 dma, 2 memory)"
#endif

namespace {

using namespace cimvp;
using cimvp::fuzz::MmioOp;
using sc_core::sc_time;
using sc_core::SC_NS;

/// The platform every MMIO target fuzzes (--set overrides of the built-in default).
const std::vector<std::string> kOverrides = {
    "memory.size_bytes=1 MiB",        "address_map[0].size=1 MiB",
    "cim.buffer.input_bytes=4 KiB",   "cim.buffer.output_bytes=1 KiB",
    "address_map[3].size=16 KiB",     "cim.sense.quantization=linear",
    "cim.controller.capacity_subarrays=64",
};

struct Window {
  std::uint64_t base = 0, size = 0;
};

/// The initiator: runs the decoded operations of one input in its thread.
struct Driver : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Driver> socket;
  std::vector<Window> windows;  // this target's windows, its own first
  std::vector<MmioOp> ops;
  sc_core::sc_event go, response;
  tlm::tlm_generic_payload* awaiting = nullptr;
  bool responded = false;

  SC_HAS_PROCESS(Driver);
  explicit Driver(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    socket.register_nb_transport_bw(this, &Driver::nb_transport_bw);
    socket.register_invalidate_direct_mem_ptr(this, &Driver::invalidate);
    SC_THREAD(run);
  }

  void run() {
    for (;;) {
      wait(go);
      for (const MmioOp& op : ops) execute(op);
    }
  }

  std::uint64_t address_of(const MmioOp& op) const {
    if (op.absolute) return op.address;
    const Window& w = windows[op.window % windows.size()];
    return w.base + op.offset % w.size;
  }

  void execute(const MmioOp& op) {
    std::vector<unsigned char> data(op.length, 0);
    if (op.cmd == MmioOp::write) std::copy(op.data.begin(), op.data.end(), data.begin());
    std::vector<unsigned char> be(op.be_length);
    for (unsigned i = 0; i < op.be_length; ++i) be[i] = (op.be_pattern >> i) & 1 ? 0xff : 0x00;
    tlm::tlm_generic_payload t;
    t.set_command(op.cmd == MmioOp::write ? tlm::TLM_WRITE_COMMAND
                  : op.cmd == MmioOp::ignore ? tlm::TLM_IGNORE_COMMAND
                                             : tlm::TLM_READ_COMMAND);
    t.set_address(address_of(op));
    t.set_data_ptr(data.data());
    t.set_data_length(op.length);
    t.set_streaming_width(op.streaming_width ? op.streaming_width : op.length);
    t.set_byte_enable_ptr(op.byte_enables ? be.data() : nullptr);
    t.set_byte_enable_length(op.byte_enables ? op.be_length : 0);
    t.set_dmi_allowed(false);
    t.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    switch (op.iface) {
      case MmioOp::b_transport: {
        sc_time delay = sc_core::SC_ZERO_TIME;
        socket->b_transport(t, delay);
        FUZZ_CHECK(t.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE, "b_transport returned without a response status");
        wait(delay);
        break;
      }
      case MmioOp::debug: {
        const unsigned n = socket->transport_dbg(t);
        FUZZ_CHECK(n <= op.length, "transport_dbg returned more bytes than asked for");
        break;
      }
      case MmioOp::nb_transport:
        nb(t);
        break;
      case MmioOp::dmi: {
        if (op.cmd == MmioOp::ignore) break;  // DMI requests are reads or writes
        tlm::tlm_dmi dmi;
        if (socket->get_direct_mem_ptr(t, dmi)) {
          FUZZ_CHECK(dmi.get_dmi_ptr() != nullptr, "DMI granted with a null pointer");
          FUZZ_CHECK(dmi.get_start_address() <= t.get_address() && t.get_address() <= dmi.get_end_address(),
                     "DMI range does not hold the address");
          // the whole range must be backed: touch both ends (ASan checks the bounds)
          volatile unsigned char first = dmi.get_dmi_ptr()[0];
          volatile unsigned char last = dmi.get_dmi_ptr()[dmi.get_end_address() - dmi.get_start_address()];
          (void)first;
          (void)last;
        }
        break;
      }
    }
    if (op.has_wait) wait(sc_time(16.0 * op.wait * op.wait, SC_NS));
  }

  // Base-protocol initiator: BEGIN_REQ; the response comes on the return path or backward.
  void nb(tlm::tlm_generic_payload& t) {
    tlm::tlm_phase phase = tlm::BEGIN_REQ;
    sc_time delay = sc_core::SC_ZERO_TIME;
    awaiting = &t;
    responded = false;
    const tlm::tlm_sync_enum r = socket->nb_transport_fw(t, phase, delay);
    if (r == tlm::TLM_COMPLETED) {
      wait(delay);
    } else if (r == tlm::TLM_UPDATED && phase == tlm::BEGIN_RESP) {
      wait(delay);
      phase = tlm::END_RESP;
      delay = sc_core::SC_ZERO_TIME;
      socket->nb_transport_fw(t, phase, delay);
    } else {
      if (!responded) wait(sc_time(1, sc_core::SC_MS), response);
      FUZZ_CHECK(responded, "nb_transport: no BEGIN_RESP within 1 ms");
    }
    awaiting = nullptr;
    FUZZ_CHECK(t.get_response_status() != tlm::TLM_INCOMPLETE_RESPONSE, "nb_transport completed without a response status");
  }

  tlm::tlm_sync_enum nb_transport_bw(tlm::tlm_generic_payload& t, tlm::tlm_phase& phase, sc_time&) {
    FUZZ_CHECK(&t == awaiting, "nb_transport_bw for a transaction not in flight");
    if (phase == tlm::BEGIN_RESP) {
      responded = true;
      response.notify(sc_core::SC_ZERO_TIME);
      return tlm::TLM_COMPLETED;
    }
    return tlm::TLM_ACCEPTED;  // END_REQ
  }

  void invalidate(sc_dt::uint64, sc_dt::uint64) {}
};

void report_handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  if (rep.get_severity() >= sc_core::SC_ERROR) {
    std::fprintf(stderr, "SystemC %s: %s: %s\n", rep.get_severity() == sc_core::SC_ERROR ? "error" : "fatal",
                 rep.get_msg_type(), rep.get_msg());
    std::fflush(stderr);
    std::abort();
  }
  (void)actions;  // info and warnings: the models' expected reports of refused commands
}

struct Bench {
  PlatformConfig config;
  std::unique_ptr<Platform> top;
  std::unique_ptr<TlmChecker> checker;
  std::unique_ptr<Driver> driver;
  const bool trace = std::getenv("CIMVP_FUZZ_TRACE") != nullptr;  // one status line per input

  Bench() {
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    sc_core::sc_report_handler::set_handler(&report_handler);
    config = load_platform(resolve_platform("default"), kOverrides);
    top = std::make_unique<Platform>("top", config);
    checker = std::make_unique<TlmChecker>("checker");
    driver = std::make_unique<Driver>("fuzz");
    driver->socket.bind(checker->target_socket);
    checker->initiator_socket.bind(top->router.target_socket);
    const char* order[3][3] = {{"cim", "cim_buffer", "memory"}, {"dma", "memory", nullptr}, {"memory", "cim_buffer", nullptr}};
    for (const char* name : order[CIMVP_FUZZ_DEVICE]) {
      if (name == nullptr) continue;
      for (const AddressRange& r : config.router.map)
        if (r.target == name) driver->windows.push_back({r.base, r.size});
    }
    FUZZ_CHECK(!driver->windows.empty(), "the fuzz platform maps none of the target's windows");
    sc_core::sc_start(sc_core::SC_ZERO_TIME);  // end of elaboration, processes initialised
  }

  void run(const std::uint8_t* data, std::size_t size) {
    top->reset();
    checker->reset();
    driver->ops.clear();
    cimvp::fuzz::Bytes in(data, size);
    while (!in.empty()) driver->ops.push_back(cimvp::fuzz::decode_op(in));
    driver->go.notify(sc_core::SC_ZERO_TIME);
    sc_core::sc_start();  // until no event is left: the operations and every command they started
    FUZZ_CHECK(!(top->dma.registers().get(dma_reg::STATUS) & dma_bit::STATUS_BUSY),
               "HostDma still BUSY with no event left");
    if (trace) {
      std::fprintf(stderr, "mmio: %zu ops, dma STATUS 0x%x ERR_CAUSE %u", driver->ops.size(),
                   top->dma.registers().get(dma_reg::STATUS), top->dma.registers().get(dma_reg::ERR_CAUSE));
      if (top->cim)
        std::fprintf(stderr, ", cim STATUS 0x%x ERROR_CODE %u DONE_COUNT %u", top->cim->registers().get(cim_reg::STATUS),
                     top->cim->registers().get(cim_reg::ERROR_CODE), top->cim->registers().get(cim_reg::DONE_COUNT));
      std::fprintf(stderr, "\n");
    }
    if (top->cim) {
      FUZZ_CHECK(!(top->cim->registers().get(cim_reg::STATUS) & cim_bit::STATUS_BUSY),
                 "CimMacro still BUSY with no event left");
      FUZZ_CHECK(top->cim->registers().get(cim_reg::ERROR_CODE) != cim_err::INTERNAL,
                 "CimMacro reported an INTERNAL error");
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Bench& bench = *new Bench;  // never destroyed: SystemC objects outlive main's return
  bench.run(data, size);
  return 0;
}
