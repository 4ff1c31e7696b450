// Small helpers for the modules' `trace(sc_trace_file*) const` methods: every traced
// signal appears in the VCD under the module's hierarchical name ("top.dma.busy"),
// which SystemC's VCD writer turns into nested scopes (GTKWave shows the hierarchy).
#pragma once

#include <systemc>

#include <string>

namespace cimvp {

/// "<owner.name()>.<member>", the VCD name of a module's signal or port.
inline std::string trace_name(const sc_core::sc_object& owner, const char* member) {
  return std::string(owner.name()) + "." + member;
}

/// sc_trace(tf, object, "<owner>.<member>"); does nothing when `tf` is null, so a
/// module's trace() can be called unconditionally.
template <class T>
void trace_member(sc_core::sc_trace_file* tf, const T& object, const sc_core::sc_object& owner,
                  const char* member) {
  if (tf != nullptr) sc_core::sc_trace(tf, object, trace_name(owner, member));
}

}  // namespace cimvp
