// Fuzz target `idx`: IDX data files, raw and gzip (workloads/src/idx.cpp), through the
// loader the data sets use (read_idx: the input-file checks, gunzip when the file starts
// with the gzip magic, then parse_idx).
//  1. The input is written to a file and read as it is (a raw IDX file, or a gzip file when
//     it starts with 1f 8b: corrupt, truncated, concatenated members, ...).
//  2. An input that is not gzip is also gzip-compressed (zlib, as gzip -9 would) and read
//     again, so the fuzzer's IDX mutations also reach the loader through gunzip.
// Oracle: every bad file is an IdxError; both reads of 2. end alike (both fail, or both
// give the same array); an array that loads serializes back to the raw bytes.
#include "fuzz_support.h"

#include "cimvp/workloads/idx.h"

#include <zlib.h>

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <vector>

namespace {

using namespace cimvp;

/// A scratch file in a private directory removed at exit.
struct Scratch {
  std::filesystem::path dir, file;
  Scratch() {
    dir = std::filesystem::temp_directory_path() / ("cimvp-fuzz-idx-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    file = dir / "input-idx3-ubyte";
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  void write(const std::uint8_t* p, std::size_t n) const {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n));
    FUZZ_CHECK(f.good(), "cannot write the scratch file " + file.string());
  }
};

struct Outcome {
  std::optional<IdxArray> array;
  std::string error;
};

Outcome load(const Scratch& s, const std::uint8_t* p, std::size_t n) {
  s.write(p, n);
  Outcome o;
  try {
    o.array = read_idx(s.file.string());
  } catch (const IdxError& e) {
    o.error = e.what();
  }
  return o;
}

std::vector<std::uint8_t> gzip(const std::uint8_t* p, std::size_t n) {
  z_stream zs{};
  FUZZ_CHECK(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK, "deflateInit2");
  std::vector<std::uint8_t> out(deflateBound(&zs, static_cast<uLong>(n)) + 32);
  zs.next_in = const_cast<Bytef*>(p);
  zs.avail_in = static_cast<uInt>(n);
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  FUZZ_CHECK(rc == Z_STREAM_END, "deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

bool same(const IdxArray& a, const IdxArray& b) { return a.dims == b.dims && a.data == b.data; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Scratch scratch;
  const Outcome raw = load(scratch, data, size);
  const bool is_gzip = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;
  if (raw.array && !is_gzip) {
    const std::vector<std::uint8_t> again = serialize_idx(*raw.array);
    FUZZ_CHECK(again.size() == size && std::memcmp(again.data(), data, size) == 0,
               "serialize_idx(read_idx(file)) differs from the file");
  }
  if (is_gzip) return 0;
  const std::vector<std::uint8_t> gz = gzip(data, size);
  const Outcome packed = load(scratch, gz.data(), gz.size());
  FUZZ_CHECK(raw.array.has_value() == packed.array.has_value(),
             "raw and gzip reads disagree: '" + raw.error + "' vs '" + packed.error + "'");
  if (raw.array) FUZZ_CHECK(same(*raw.array, *packed.array), "raw and gzip reads give different arrays");
  return 0;
}
