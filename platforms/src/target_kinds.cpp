#include "cimvp/platform/target_kinds.h"

#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"

#include <memory>
#include <stdexcept>

namespace cimvp {

namespace {

void elaborate_cim(Platform& p, const PlatformConfig& c) {
  if (!p.cim) p.cim = std::make_unique<CimMacro>("cim", c.cim);
}

void elaborate_cim_buffer(Platform& p, const PlatformConfig&) {
  if (!p.cim) throw std::invalid_argument("Platform: address-map target 'cim_buffer' needs a 'cim' target");
}

}  // namespace

const std::vector<TargetKind>& target_kinds() {
  static const std::vector<TargetKind> kinds = {
      {"memory", "the DRAM model (Memory)", nullptr, [](Platform& p) -> TargetSocket& { return p.memory.socket; }},
      {"dma", "the host DMA's registers (HostDma)", nullptr,
       [](Platform& p) -> TargetSocket& { return p.dma.target_socket; }},
      {"cim", "the CIM macro's registers (CimMacro; its interrupt is host line 1)", elaborate_cim,
       [](Platform& p) -> TargetSocket& { return p.cim->target_socket; }},
      {"cim_buffer", "the CIM macro's activation buffers (ActivationBuffer window)", elaborate_cim_buffer,
       [](Platform& p) -> TargetSocket& { return p.cim->buffer.socket; }},
  };
  return kinds;
}

const TargetKind* find_target_kind(const std::string& name) {
  for (const TargetKind& k : target_kinds())
    if (name == k.name) return &k;
  return nullptr;
}

std::vector<std::string> target_kind_names() {
  std::vector<std::string> names;
  for (const TargetKind& k : target_kinds()) names.emplace_back(k.name);
  return names;
}

}  // namespace cimvp
