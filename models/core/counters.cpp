#include "cimvp/core/counters.h"

namespace cimvp {

std::size_t CounterSet::declare(const std::string& name) {
  for (std::size_t i = 0; i < values_.size(); ++i)
    if (values_[i].first == name) return i;
  values_.emplace_back(name, 0);
  return values_.size() - 1;
}

std::uint64_t CounterSet::get(const std::string& name) const {
  for (const auto& v : values_)
    if (v.first == name) return v.second;
  return 0;
}

void CounterSet::reset() {
  for (auto& v : values_) v.second = 0;
}

}  // namespace cimvp
