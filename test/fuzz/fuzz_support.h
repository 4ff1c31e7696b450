// Shared helpers of the libFuzzer harnesses (docs/fuzzing.md).
//
// Every harness defines LLVMFuzzerTestOneInput and is built twice:
//  * with clang and -fsanitize=fuzzer,address,undefined (CMake option CIMVP_FUZZ, scripts/fuzz);
//  * with any compiler against replay_main.cpp, which feeds every file of a corpus directory to
//    LLVMFuzzerTestOneInput once, in name order (the ctest tests "fuzz: replay <target>").
// A finding is a crash, a sanitizer report or a failed FUZZ_CHECK (which aborts).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace cimvp::fuzz {

/// Aborts (a finding) with a message when `cond` is false; harness oracles use it.
[[noreturn]] inline void fail(const char* file, int line, const std::string& what) {
  std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", file, line, what.c_str());
  std::fflush(stderr);
  std::abort();
}
#define FUZZ_CHECK(cond, what) \
  do {                         \
    if (!(cond)) ::cimvp::fuzz::fail(__FILE__, __LINE__, (what)); \
  } while (0)

/// Reads the fuzz input front to back; past the end every read returns 0 (no exceptions,
/// so every input is a valid sequence).
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  bool empty() const { return off_ >= n_; }
  std::size_t left() const { return empty() ? 0 : n_ - off_; }
  std::uint8_t u8() { return off_ < n_ ? p_[off_++] : 0; }
  // Little-endian; each read is its own statement (the operands of | are unsequenced, and
  // compilers evaluate them in different orders).
  std::uint16_t u16() {
    const unsigned lo = u8();
    const unsigned hi = u8();
    return static_cast<std::uint16_t>(lo | hi << 8);
  }
  std::uint32_t u32() {
    const std::uint32_t lo = u16();
    const std::uint32_t hi = u16();
    return lo | hi << 16;
  }
  std::uint64_t u64() {
    const std::uint64_t lo = u32();
    const std::uint64_t hi = u32();
    return lo | hi << 32;
  }
  /// Up to `n` bytes (fewer at the end of the input).
  std::string_view take(std::size_t n) {
    const std::size_t k = n < left() ? n : left();
    std::string_view s(reinterpret_cast<const char*>(p_ + off_), k);
    off_ += k;
    return s;
  }
  /// The rest of the input.
  std::string_view rest() { return take(left()); }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
  std::size_t off_ = 0;
};

}  // namespace cimvp::fuzz

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);
