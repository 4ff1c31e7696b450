// The kinds of bus target an address-map entry can name (`address_map[].target`): the one
// registration point of a new target kind (docs/extending.md, "Adding a bus target").  The
// schema takes its allowed `target` values from this table and Platform elaborates and binds
// every address-map entry through it; no if-chain on target names elsewhere.
#pragma once

#include <tlm>

#include <string>
#include <vector>

namespace cimvp {

class Platform;
struct PlatformConfig;

/// The target socket type the router binds (any simple/optional TLM-2.0 target socket).
using TargetSocket = tlm::tlm_base_target_socket_b<32, tlm::tlm_fw_transport_if<>, tlm::tlm_bw_transport_if<>>;

struct TargetKind {
  const char* name;  ///< the address_map[].target value
  const char* doc;   ///< one line for the documentation
  /// Builds the module behind the target if the platform does not have it yet (null: the
  /// module always exists).  Throws std::invalid_argument when the configuration cannot
  /// have it (e.g. a cim_buffer without a cim macro).
  void (*elaborate)(Platform& platform, const PlatformConfig& config);
  /// The socket the router's i-th initiator socket binds for address_map[i].
  TargetSocket& (*socket)(Platform& platform);
};

/// Every target kind, in documentation order: memory, dma, cim, cim_buffer.
const std::vector<TargetKind>& target_kinds();
/// The kind named `name`, or nullptr.
const TargetKind* find_target_kind(const std::string& name);
/// The names of every kind (the schema's allowed `address_map[].target` values).
std::vector<std::string> target_kind_names();

}  // namespace cimvp
