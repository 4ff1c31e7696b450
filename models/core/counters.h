// Per-module event counters.  Every cimvp module that counts events implements
// cimvp::Counted; the platform walks the SystemC object hierarchy, finds them with
// dynamic_cast and writes them to the console summary and the JSON report.  Later
// layers (PPA) price these events; the counter names are part of the report format.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

/// An ordered set of named 64-bit counters (insertion order is the report order,
/// so reports are deterministic).
class CounterSet {
 public:
  /// Registers a counter (idempotent) and returns a stable index for fast increments.
  std::size_t declare(const std::string& name);
  void add(std::size_t index, std::uint64_t n = 1) { values_[index].second += n; }
  void add(const std::string& name, std::uint64_t n = 1) { values_[declare(name)].second += n; }
  /// Value of `name`, 0 when never declared.
  std::uint64_t get(const std::string& name) const;
  const std::vector<std::pair<std::string, std::uint64_t>>& values() const { return values_; }
  void reset();

 private:
  std::vector<std::pair<std::string, std::uint64_t>> values_;
};

/// Implemented by modules that count events.
class Counted {
 public:
  virtual ~Counted() = default;
  virtual const CounterSet& counters() const = 0;
};

}  // namespace cimvp
