#include "cimvp/core/bus_master.h"

#include "cimvp/core/hal.h"
#include "cimvp/core/payload.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
const BusMasterConfig& validated(const BusMasterConfig& c) {
  if (c.bus_width_bytes == 0) throw std::invalid_argument("BusMaster: bus_width_bytes must be > 0");
  if (c.burst_bytes == 0) throw std::invalid_argument("BusMaster: burst_bytes must be > 0");
  if (c.clock == sc_core::SC_ZERO_TIME) throw std::invalid_argument("BusMaster: clock must be > 0");
  return c;
}
}  // namespace

std::string BusResult::describe() const {
  std::ostringstream os;
  os << (cmd == tlm::TLM_READ_COMMAND ? "read" : "write") << " of " << length << " bytes at 0x" << std::hex << addr
     << " answered " << response_name(status);
  return os.str();
}

BusMaster::BusMaster(tlm::tlm_initiator_socket<>& socket, tlm_utils::tlm_quantumkeeper& qk,
                     const BusMasterConfig& config)
    : socket_(socket), qk_(qk), config_(validated(config)) {}

void BusTrace::trace(sc_core::sc_trace_file* tf, const sc_core::sc_object& owner) const {
  if (tf == nullptr) return;
  const std::string base = owner.name();
  sc_core::sc_trace(tf, addr, base + ".bus_addr");
  sc_core::sc_trace(tf, bytes, base + ".bus_bytes");
  sc_core::sc_trace(tf, cmd, base + ".bus_cmd");
}

void BusMaster::count_into(CounterSet& counters, const BusCounterMap& map) {
  counters_ = &counters;
  map_ = map;
}

void BusMaster::count(std::uint64_t BusStats::*field, std::size_t BusCounterMap::*index, std::uint64_t n) {
  stats_.*field += n;
  if (counters_ != nullptr && map_.*index != BusCounterMap::none) counters_->add(map_.*index, n);
}

BusResult BusMaster::read(std::uint64_t addr, void* dst, std::size_t len) {
  return run(Side{true, addr, nullptr}, Side{false, 0, static_cast<unsigned char*>(dst)}, len);
}

BusResult BusMaster::write(std::uint64_t addr, const void* src, std::size_t len) {
  // TLM payloads carry non-const data pointers; a write never modifies them.
  return run(Side{false, 0, static_cast<unsigned char*>(const_cast<void*>(src))}, Side{true, addr, nullptr}, len);
}

BusResult BusMaster::copy(std::uint64_t src, std::uint64_t dst, std::uint64_t len) {
  staging_.resize(config_.burst_bytes);
  return run(Side{true, src, nullptr}, Side{true, dst, nullptr}, len);
}

BusResult BusMaster::run(const Side& src, const Side& dst, std::uint64_t len) {
  BusResult r;
  const std::uint64_t bw = config_.bus_width_bytes;
  for (std::uint64_t off = 0; off < len;) {
    const auto n = static_cast<unsigned>(std::min<std::uint64_t>(config_.burst_bytes, len - off));
    unsigned char* buf = !src.bus ? src.local + off : !dst.bus ? dst.local + off : staging_.data();
    const bool traced = trace_ != nullptr && trace_->enabled();
    const sc_core::sc_time t0 = traced ? sc_core::sc_time_stamp() + qk_.get_local_time() : sc_core::SC_ZERO_TIME;
    if ((src.bus && !access(tlm::TLM_READ_COMMAND, src.addr + off, buf, n, r)) ||
        (dst.bus && !access(tlm::TLM_WRITE_COMMAND, dst.addr + off, buf, n, r))) {
      r.done = off;
      return r;
    }
    const std::uint64_t beats = (n + bw - 1) / bw;
    qk_.inc(config_.clock * static_cast<double>(beats));
    if (traced) {
      const std::uint32_t c = (src.bus && dst.bus ? BusTrace::copy : src.bus ? BusTrace::read : BusTrace::write) +
                              (last_dmi_ ? std::uint32_t{BusTrace::dmi} : 0u);
      trace_->record(t0, sc_core::sc_time_stamp() + qk_.get_local_time(), c, src.bus ? src.addr + off : dst.addr + off, n);
    }
    count(&BusStats::bursts, &BusCounterMap::bursts, 1);
    count(&BusStats::beats, &BusCounterMap::beats, beats);
    off += n;
    if (config_.sync_when_needed && qk_.need_sync()) qk_.sync();
  }
  r.done = len;
  return r;
}

bool BusMaster::access(tlm::tlm_command cmd, std::uint64_t addr, unsigned char* data, unsigned n, BusResult& fail) {
  const bool read = cmd == tlm::TLM_READ_COMMAND;
  last_dmi_ = false;
  if (config_.use_dmi) {
    bool new_grant = false;
    const tlm::tlm_dmi* d = dmi_.lookup(*socket_.operator->(), cmd, addr, &new_grant);
    if (new_grant) count(&BusStats::dmi_grants, &BusCounterMap::dmi_grants, 1);
    if (d != nullptr && n - 1 <= d->get_end_address() - addr) {  // the whole burst inside the region
      unsigned char* p = d->get_dmi_ptr() + (addr - d->get_start_address());
      if (read) {
        std::memcpy(data, p, n);
        qk_.inc(d->get_read_latency());
        count(&BusStats::dmi_reads, &BusCounterMap::dmi_reads, 1);
        count(&BusStats::bytes_read, &BusCounterMap::bytes_read, n);
        count(&BusStats::dmi_bytes_read, &BusCounterMap::dmi_bytes_read, n);
      } else {
        std::memcpy(p, data, n);
        qk_.inc(d->get_write_latency());
        count(&BusStats::dmi_writes, &BusCounterMap::dmi_writes, 1);
        count(&BusStats::bytes_written, &BusCounterMap::bytes_written, n);
        count(&BusStats::dmi_bytes_written, &BusCounterMap::dmi_bytes_written, n);
      }
      last_dmi_ = true;
      return true;
    }
  }
  prepare_payload(trans_, cmd, addr, data, n);
  sc_core::sc_time delay = qk_.get_local_time();
  socket_->b_transport(trans_, delay);
  qk_.set(delay);
  if (trans_.is_response_error()) {
    fail.status = trans_.get_response_status();
    fail.cmd = cmd;
    fail.addr = addr;
    fail.length = n;
    return false;
  }
  if (read) {
    count(&BusStats::tlm_reads, &BusCounterMap::tlm_reads, 1);
    count(&BusStats::bytes_read, &BusCounterMap::bytes_read, n);
  } else {
    count(&BusStats::tlm_writes, &BusCounterMap::tlm_writes, 1);
    count(&BusStats::bytes_written, &BusCounterMap::bytes_written, n);
  }
  return true;
}

}  // namespace cimvp
