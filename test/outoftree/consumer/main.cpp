// An outside SoC model that uses the installed cimvp package: its own CPU stub programs
// a cimvp::HostDma that copies inside a cimvp::Memory, then checks the copy.
#include <cimvp/soc/dma/host_dma.h>
#include <cimvp/soc/memory/memory.h>

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdio>
#include <cstring>

SC_MODULE(Cpu) {
  tlm_utils::simple_initiator_socket<Cpu> socket;
  sc_core::sc_in<bool> irq;
  bool ok = false;

  SC_CTOR(Cpu) : socket("socket"), irq("irq") { SC_THREAD(run); }

  void write32(std::uint64_t addr, std::uint32_t v) {
    tlm::tlm_generic_payload p;
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    unsigned char buf[4];
    std::memcpy(buf, &v, 4);
    p.set_command(tlm::TLM_WRITE_COMMAND);
    p.set_address(addr);
    p.set_data_ptr(buf);
    p.set_data_length(4);
    p.set_streaming_width(4);
    p.set_byte_enable_ptr(nullptr);
    p.set_dmi_allowed(false);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(p, d);
    if (p.is_response_error()) SC_REPORT_ERROR("consumer", "register write failed");
    wait(d);
  }

  void run() {
    using namespace cimvp;
    write32(dma_reg::SRC_LO, 0x100);
    write32(dma_reg::SRC_HI, 0);
    write32(dma_reg::DST_LO, 0x2003);
    write32(dma_reg::DST_HI, 0);
    write32(dma_reg::LEN, 777);
    write32(dma_reg::IRQ_ENABLE, dma_bit::IRQ_DONE);
    write32(dma_reg::CTRL, dma_bit::CTRL_START);
    if (!irq.read()) wait(irq.posedge_event());
    ok = true;
  }
};

int sc_main(int, char*[]) {
  cimvp::MemoryConfig mc;
  mc.size_bytes = 1 << 16;
  cimvp::Memory mem("mem", mc);
  cimvp::HostDma dma("dma", cimvp::HostDmaConfig{});
  Cpu cpu("cpu");
  sc_core::sc_signal<bool> irq("irq");
  cpu.socket.bind(dma.target_socket);
  dma.initiator_socket.bind(mem.socket);
  dma.irq(irq);
  cpu.irq(irq);

  for (unsigned i = 0; i < 777; ++i) mem.data()[0x100 + i] = static_cast<unsigned char>(i * 7 + 3);
  sc_core::sc_start();

  bool same = cpu.ok;
  for (unsigned i = 0; i < 777 && same; ++i)
    same = mem.data()[0x2003 + i] == static_cast<unsigned char>(i * 7 + 3);
  if (!same) {
    std::printf("consumer: copy mismatch\n");
    return 1;
  }
  std::printf("consumer: DMA copy verified at %s\n", sc_core::sc_time_stamp().to_string().c_str());
  return 0;
}
