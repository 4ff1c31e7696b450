#include "cimvp/soc/router/router.h"

#include <algorithm>
#include <limits>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {
std::string describe(const AddressRange& r) {
  std::ostringstream os;
  os << "'" << r.target << "' [0x" << std::hex << r.base << ", 0x" << (r.base + r.size) << ")";
  return os.str();
}

const RouterConfig& validated(const RouterConfig& c) {
  if (c.map.empty()) throw std::invalid_argument("Router: the address map is empty");
  if (!(c.latency_ns >= 0.0)) throw std::invalid_argument("Router: latency_ns must be >= 0");
  for (const auto& r : c.map) {
    if (r.size == 0) throw std::invalid_argument("Router: address range '" + r.target + "' has size 0");
    if (r.base > std::numeric_limits<std::uint64_t>::max() - (r.size - 1))
      throw std::invalid_argument("Router: address range '" + r.target + "' wraps past 2^64");
  }
  for (std::size_t i = 0; i < c.map.size(); ++i)
    for (std::size_t j = i + 1; j < c.map.size(); ++j) {
      const auto& a = c.map[i];
      const auto& b = c.map[j];
      // Inclusive last addresses avoid overflow at the top of the address space.
      if (a.base <= b.base + (b.size - 1) && b.base <= a.base + (a.size - 1))
        throw std::invalid_argument("Router: address ranges " + describe(a) + " and " + describe(b) +
                                    " overlap");
    }
  return c;
}
}  // namespace

Router::Router(sc_core::sc_module_name name, const RouterConfig& config)
    : sc_core::sc_module(name),
      target_socket("target_socket"),
      initiator_socket("initiator_socket"),
      config_(validated(config)) {
  for (std::size_t i = 0; i < config_.map.size(); ++i) by_base_.push_back(i);
  std::sort(by_base_.begin(), by_base_.end(),
            [this](std::size_t a, std::size_t b) { return config_.map[a].base < config_.map[b].base; });
  latency_ = sc_core::sc_time(config_.latency_ns, sc_core::SC_NS);
  target_socket.register_b_transport(this, &Router::b_transport);
  target_socket.register_nb_transport_fw(this, &Router::nb_transport_fw);
  target_socket.register_transport_dbg(this, &Router::transport_dbg);
  target_socket.register_get_direct_mem_ptr(this, &Router::get_direct_mem_ptr);
  initiator_socket.register_nb_transport_bw(this, &Router::nb_transport_bw);
  initiator_socket.register_invalidate_direct_mem_ptr(this, &Router::invalidate_direct_mem_ptr);
  c_transactions_ = counters_.declare("transactions");
  c_bytes_ = counters_.declare("bytes");
  c_errors_ = counters_.declare("errors");
  c_dmi_grants_ = counters_.declare("dmi_grants");
  c_dmi_invalidations_ = counters_.declare("dmi_invalidations");
}

void Router::end_of_elaboration() {
  bound_targets_ = static_cast<std::size_t>(initiator_socket.size());
  if (static_cast<std::size_t>(initiator_socket.size()) != config_.map.size()) {
    std::ostringstream os;
    os << "initiator_socket has " << initiator_socket.size() << " bound targets but the address map has "
       << config_.map.size() << " entries (the i-th binding serves map entry i)";
    SC_REPORT_ERROR("cimvp/router", os.str().c_str());
  }
}

void Router::trace(sc_core::sc_trace_file*) const {}

int Router::decode(std::uint64_t address) const {
  // Last range (in base order) with base <= address.
  std::size_t lo = 0, hi = by_base_.size();
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (config_.map[by_base_[mid]].base <= address)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return -1;
  const std::size_t idx = by_base_[lo - 1];
  const AddressRange& r = config_.map[idx];
  return (address - r.base < r.size) ? static_cast<int>(idx) : -1;
}

int Router::bound(int idx) const {
  // A map entry without a bound target (already reported at end_of_elaboration) is
  // treated as unmapped instead of indexing past the socket's bindings.
  return (idx >= 0 && static_cast<std::size_t>(idx) < bound_targets_) ? idx : -1;
}

int Router::route(const tlm::tlm_generic_payload& trans) const {
  const std::uint64_t addr = trans.get_address();
  const std::uint64_t len = trans.get_data_length();
  const std::uint64_t width = trans.get_streaming_width();
  const std::uint64_t extent = (width != 0 && width < len) ? width : len;
  const int idx = bound(decode(addr));
  if (idx < 0 || extent > config_.map[idx].size - (addr - config_.map[idx].base)) return -1;
  return idx;
}

void Router::b_transport(int, tlm::tlm_generic_payload& trans, sc_core::sc_time& delay) {
  delay += latency_;
  const std::uint64_t addr = trans.get_address();
  const int idx = route(trans);
  if (idx < 0) {
    counters_.add(c_errors_);
    trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  trans.set_address(addr - config_.map[idx].base);
  initiator_socket[idx]->b_transport(trans, delay);
  trans.set_address(addr);
  counters_.add(c_transactions_);
  counters_.add(c_bytes_, trans.get_data_length());
}

// The address of an nb transaction in flight is the target's offset from BEGIN_REQ until
// the response reaches the initiator (BEGIN_RESP or TLM_COMPLETED, either direction);
// from then on, and whenever the transaction ends, it is the initiator's address again.
tlm::tlm_sync_enum Router::nb_transport_fw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  auto it = in_flight_.find(&trans);
  if (phase == tlm::BEGIN_REQ && it == in_flight_.end()) {
    delay += latency_;
    const std::uint64_t addr = trans.get_address();
    const int idx = route(trans);
    if (idx < 0) {
      counters_.add(c_errors_);
      trans.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
      phase = tlm::BEGIN_RESP;
      return tlm::TLM_COMPLETED;
    }
    counters_.add(c_transactions_);
    counters_.add(c_bytes_, trans.get_data_length());
    it = in_flight_.emplace(&trans, InFlight{id, idx, addr}).first;
    trans.set_address(addr - config_.map[idx].base);
  } else if (it == in_flight_.end() || it->second.initiator != id) {
    std::ostringstream os;
    os << name() << ": nb_transport_fw with phase " << phase << " for a transaction not in flight from initiator "
       << id;
    SC_REPORT_ERROR("cimvp/router", os.str().c_str());
    trans.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    return tlm::TLM_COMPLETED;
  }
  const InFlight f = it->second;
  const tlm::tlm_sync_enum s = initiator_socket[f.target]->nb_transport_fw(trans, phase, delay);
  const bool done = s == tlm::TLM_COMPLETED || phase == tlm::END_RESP;
  if (done || phase == tlm::BEGIN_RESP) trans.set_address(f.global);
  if (done) in_flight_.erase(&trans);
  return s;
}

tlm::tlm_sync_enum Router::nb_transport_bw(int id, tlm::tlm_generic_payload& trans, tlm::tlm_phase& phase,
                                           sc_core::sc_time& delay) {
  const auto it = in_flight_.find(&trans);
  if (it == in_flight_.end() || it->second.target != id) {
    std::ostringstream os;
    os << name() << ": nb_transport_bw with phase " << phase << " from target " << id
       << " for a transaction not in flight to it";
    SC_REPORT_ERROR("cimvp/router", os.str().c_str());
    return tlm::TLM_COMPLETED;
  }
  const InFlight f = it->second;
  if (phase == tlm::BEGIN_RESP) trans.set_address(f.global);
  const tlm::tlm_sync_enum s = target_socket[f.initiator]->nb_transport_bw(trans, phase, delay);
  if (s == tlm::TLM_COMPLETED || phase == tlm::END_RESP) {
    trans.set_address(f.global);
    in_flight_.erase(&trans);
  }
  return s;
}

unsigned Router::transport_dbg(int, tlm::tlm_generic_payload& trans) {
  const std::uint64_t addr = trans.get_address();
  const int idx = bound(decode(addr));
  if (idx < 0) return 0;
  const AddressRange& r = config_.map[idx];
  const unsigned len = trans.get_data_length();
  const std::uint64_t room = r.size - (addr - r.base);
  trans.set_address(addr - r.base);
  trans.set_data_length(static_cast<unsigned>(std::min<std::uint64_t>(len, room)));
  const unsigned n = initiator_socket[idx]->transport_dbg(trans);
  trans.set_address(addr);
  trans.set_data_length(len);
  return n;
}

bool Router::get_direct_mem_ptr(int, tlm::tlm_generic_payload& trans, tlm::tlm_dmi& dmi) {
  const std::uint64_t addr = trans.get_address();
  const int idx = bound(decode(addr));
  if (idx < 0) {
    // Deny DMI for the whole unmapped gap around the address.
    std::uint64_t start = 0, end = std::numeric_limits<std::uint64_t>::max();
    for (const auto& r : config_.map) {
      const std::uint64_t last = r.base + (r.size - 1);
      if (last < addr) start = std::max(start, last + 1);
      if (r.base > addr) end = std::min(end, r.base - 1);
    }
    dmi.set_start_address(start);
    dmi.set_end_address(end);
    dmi.set_granted_access(tlm::tlm_dmi::DMI_ACCESS_NONE);
    return false;
  }
  const AddressRange& r = config_.map[idx];
  trans.set_address(addr - r.base);
  const bool granted = initiator_socket[idx]->get_direct_mem_ptr(trans, dmi);
  trans.set_address(addr);
  // Clip to the window (the target's range contains the offset, so only the end can
  // stick out) and translate back to global addresses.  The pointer belongs to the start
  // address, which only moves by the translation.
  const std::uint64_t end = std::min<std::uint64_t>(dmi.get_end_address(), r.size - 1);
  const std::uint64_t start = std::min<std::uint64_t>(dmi.get_start_address(), end);
  dmi.set_start_address(r.base + start);
  dmi.set_end_address(r.base + end);
  if (granted) counters_.add(c_dmi_grants_);
  return granted;
}

void Router::invalidate_direct_mem_ptr(int id, sc_dt::uint64 start, sc_dt::uint64 end) {
  const AddressRange& r = config_.map.at(static_cast<std::size_t>(id));
  if (start > r.size - 1) return;  // outside the window: no initiator can hold it
  const std::uint64_t last = std::min<std::uint64_t>(end, r.size - 1);
  counters_.add(c_dmi_invalidations_);
  for (unsigned i = 0; i < target_socket.size(); ++i)
    target_socket[i]->invalidate_direct_mem_ptr(r.base + start, r.base + last);
}

}  // namespace cimvp
