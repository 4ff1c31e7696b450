#include "cimvp/platform/platform.h"

#include "cimvp/platform/vcd_window.h"

#include "cimvp/platform/target_kinds.h"

#include <filesystem>
#include <fstream>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdio>
#include <functional>
#include <map>
#include <stdexcept>

namespace cimvp {

Platform::Platform(sc_core::sc_module_name name, const PlatformConfig& config)
    : sc_core::sc_module(name),
      host("host", config.host),
      router("router", config.router),
      memory("memory", config.memory),
      dma("dma", config.dma),
      dma_irq("dma_irq"),
      cim_irq("cim_irq"),
      irq_tie("irq_tie", config.host.irq_lines > 0 ? config.host.irq_lines - 1 : 0),
      config_(config) {
  tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(config_.quantum_ns, sc_core::SC_NS));

  // targets: every address-map entry's kind elaborates what it needs (target_kinds.h);
  // entries are visited in kind order, so a kind may rely on the ones registered before it
  std::vector<const TargetKind*> kinds;
  for (const auto& range : config_.router.map) {
    const TargetKind* k = find_target_kind(range.target);
    if (k == nullptr) throw std::invalid_argument("Platform: no module for address-map target '" + range.target + "'");
    kinds.push_back(k);
  }
  for (const TargetKind& k : target_kinds())
    for (const TargetKind* used : kinds)
      if (used == &k && k.elaborate != nullptr) {
        k.elaborate(*this, config_);
        break;
      }

  // initiators
  host.socket.bind(router.target_socket);
  dma.initiator_socket.bind(router.target_socket);
  if (cim) cim->initiator_socket.bind(router.target_socket);
  // targets, in address-map order: router.initiator_socket[i] serves map[i]
  for (const TargetKind* k : kinds) router.initiator_socket.bind(k->socket(*this));
  // interrupts
  dma.irq.bind(dma_irq);
  if (config_.host.irq_lines == 0) throw std::invalid_argument("Platform: host.irq_lines must be at least 1");
  host.irq[0].bind(dma_irq);
  if (cim) {
    if (config_.host.irq_lines < 2)
      throw std::invalid_argument("Platform: the cim interrupt needs host.irq_lines >= 2");
    cim->irq.bind(cim_irq);
  }
  for (unsigned i = 1; i < config_.host.irq_lines; ++i) host.irq[i].bind(i == 1 && cim ? cim_irq : irq_tie[i - 1]);
}

void Platform::run_job(Job& job) {
  job.attach(*this);
  host.set_program([&job](Hal& hal) { job.run(hal); });
}

void Platform::reset() {
  host.reset();
  router.reset();
  memory.reset();
  dma.reset();
  if (cim) cim->reset();
}

void Platform::trace(sc_core::sc_trace_file* tf) const {
  if (tf == nullptr) return;
  host.trace(tf);
  router.trace(tf);
  memory.trace(tf);
  dma.trace(tf);
  sc_core::sc_trace(tf, dma_irq, dma_irq.name());
  if (cim) {
    cim->trace(tf);
    sc_core::sc_trace(tf, cim_irq, cim_irq.name());
  }
}

VcdFile::VcdFile(std::string path) : out_(std::move(path), ".vcd") {
  // SystemC writes <name>.vcd: the temporary's name plus ".vcd"
  tf_ = sc_core::sc_create_vcd_trace_file(out_.temp_base().c_str());
  if (tf_ == nullptr) throw std::runtime_error("cannot create VCD file '" + out_.path() + "'");
  tf_->set_time_unit(1, sc_core::SC_PS);  // explicit: no "default timescale" report
}

VcdFile::~VcdFile() {
  if (tf_ != nullptr) sc_core::sc_close_vcd_trace_file(tf_);
  // out_ removes the temporary unless close() committed it
}

void VcdFile::finish() {
  if (tf_ == nullptr) return;
  sc_core::sc_close_vcd_trace_file(tf_);
  tf_ = nullptr;
  blank_date(out_.temp_path());
}

void VcdFile::cut_window(std::uint64_t t0_ps, std::uint64_t t1_ps) {
  const std::string whole = out_.temp_path() + ".whole";
  std::filesystem::rename(out_.temp_path(), whole);
  try {
    cut_vcd_window(whole, out_.temp_path(), t0_ps, t1_ps);
  } catch (...) {
    std::filesystem::remove(whole);
    throw;
  }
  std::filesystem::remove(whole);
}

void VcdFile::blank_date(const std::string& file) {
  // SystemC writes the wall-clock date into the header ("$date\n     Nov 30, 2026  21:11:59\n$end"):
  // overwrite it with blanks in place (same length, so the rest of a large file is not
  // copied), so two identical runs give identical files
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  if (!f) return;
  std::string head(512, '\0');
  f.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(f.gcount()));
  f.clear();
  const std::size_t date = head.find("$date");
  if (date == std::string::npos) return;
  const std::size_t begin = date + 5, end = head.find("$end", begin);
  if (end == std::string::npos) return;
  std::string blanks = head.substr(begin, end - begin);
  for (char& c : blanks)
    if (c != '\n') c = ' ';
  f.seekp(static_cast<std::streamoff>(begin));
  f.write(blanks.data(), static_cast<std::streamsize>(blanks.size()));
}

}  // namespace cimvp
