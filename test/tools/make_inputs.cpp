// cimvp-make-inputs: writes large but cheap test inputs on the fly, so no big file is
// committed (issue 13, "memory before validation").
//
//   cimvp-make-inputs idx-gz PATH MIB D0 [D1 ...]
//       a gzip IDX file whose header declares dimensions D0 x D1 ... and whose body is MIB
//       MiB of zero bytes (concatenated gzip members of 1 MiB each: tiny on disk); the body
//       need not match the header
//   cimvp-make-inputs idx PATH D0 [D1 ...]
//       a plain IDX file, body product(D) zero bytes (labels are 0, valid)
//   cimvp-make-inputs bnn-short PATH K M1 [M2 ...]
//       the header of that .bnn followed by 1 KiB of zeros (truncated)
//   cimvp-make-inputs bnn PATH K M1 [M2 ...]
//       a legal .bnn (xnor_8t, binarized >= 128) of shape K-M1-M2...: all weights −1,
//       thresholds 0, flips 0, scale 1, bias 0, correct CRC-32 (docs/workloads.md)
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& msg) {
  std::fprintf(stderr, "cimvp-make-inputs: %s\n", msg.c_str());
  std::exit(2);
}

std::vector<std::uint32_t> dims_from(int argc, char** argv, int first) {
  std::vector<std::uint32_t> d;
  for (int i = first; i < argc; ++i) d.push_back(static_cast<std::uint32_t>(std::strtoul(argv[i], nullptr, 0)));
  if (d.empty()) die("no dimensions");
  return d;
}

std::vector<std::uint8_t> idx_header(const std::vector<std::uint32_t>& dims) {
  std::vector<std::uint8_t> h{0, 0, 8, static_cast<std::uint8_t>(dims.size())};
  for (auto v : dims)
    for (int s = 24; s >= 0; s -= 8) h.push_back(static_cast<std::uint8_t>(v >> s));
  return h;
}

std::vector<std::uint8_t> gzip_member(const std::vector<std::uint8_t>& in) {
  z_stream zs{};
  if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) die("zlib");
  std::vector<std::uint8_t> out(deflateBound(&zs, static_cast<uLong>(in.size())) + 64);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) die("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class File {
 public:
  explicit File(const std::string& path) : f_(std::fopen(path.c_str(), "wb")) {
    if (!f_) die("cannot create " + path);
  }
  ~File() { std::fclose(f_); }
  void put(const void* p, std::size_t n) {
    if (n && std::fwrite(p, 1, n, f_) != n) die("write error");
    crc_ = crc32(crc_, static_cast<const Bytef*>(p), static_cast<uInt>(n));
  }
  void put(const std::vector<std::uint8_t>& v) { put(v.data(), v.size()); }
  void u32(std::uint32_t v) {
    std::uint8_t b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    put(b, 4);
  }
  std::uint32_t crc() const { return static_cast<std::uint32_t>(crc_); }

 private:
  std::FILE* f_;
  uLong crc_ = crc32(0L, Z_NULL, 0);
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) die("usage: idx-gz PATH MIB D... | idx PATH D... | bnn PATH K M...");
  const std::string what = argv[1], path = argv[2];
  if (what == "idx-gz") {
    const unsigned long mib = std::strtoul(argv[3], nullptr, 0);
    File f(path);
    f.put(gzip_member(idx_header(dims_from(argc, argv, 4))));
    const auto zeros = gzip_member(std::vector<std::uint8_t>(1 << 20, 0));
    for (unsigned long i = 0; i < mib; ++i) f.put(zeros);
  } else if (what == "idx") {
    const auto dims = dims_from(argc, argv, 3);
    std::uint64_t n = 1;
    for (auto d : dims) n *= d;
    File f(path);
    f.put(idx_header(dims));
    const std::vector<std::uint8_t> zeros(1 << 20, 0);
    for (std::uint64_t done = 0; done < n;) {
      const std::size_t k = static_cast<std::size_t>(std::min<std::uint64_t>(zeros.size(), n - done));
      f.put(zeros.data(), k);
      done += k;
    }
  } else if (what == "bnn" || what == "bnn-short") {
    const bool short_body = what == "bnn-short";
    const auto widths = dims_from(argc, argv, 3);
    if (widths.size() < 2) die("bnn needs K and at least one M");
    File f(path);
    f.put("CIMVPBNN", 8);
    f.u32(1);
    const std::uint8_t fixed[4] = {1, 0, 8, 128};  // xnor_8t, binarized, 8 bits, threshold 128
    f.put(fixed, 4);
    const std::size_t L = widths.size() - 1;
    f.u32(static_cast<std::uint32_t>(L));
    f.u32(0);  // no description
    for (std::size_t l = 0; l < L; ++l) {
      f.u32(widths[l]);
      f.u32(widths[l + 1]);
    }
    if (short_body) {  // a 1 KiB body instead of the one the header describes
      const std::vector<std::uint8_t> body(1024, 0);
      f.put(body);
      return 0;
    }
    for (std::size_t l = 0; l < L; ++l) {
      const std::uint64_t K = widths[l], M = widths[l + 1];
      const std::uint64_t row = (K + 63) / 64 * 8;
      const std::vector<std::uint8_t> zeros(row * 1024, 0);
      for (std::uint64_t j = 0; j < M; j += 1024) f.put(zeros.data(), static_cast<std::size_t>(row * std::min<std::uint64_t>(1024, M - j)));
      if (l + 1 < L) {
        for (std::uint64_t j = 0; j < M; ++j) f.u32(0);  // thresholds
        const std::vector<std::uint8_t> flips(M, 0);
        f.put(flips);
      } else {
        const float one = 1.0f, zero = 0.0f;
        std::uint32_t b1, b0;
        std::memcpy(&b1, &one, 4);
        std::memcpy(&b0, &zero, 4);
        for (std::uint64_t j = 0; j < M; ++j) f.u32(b1);
        for (std::uint64_t j = 0; j < M; ++j) f.u32(b0);
      }
    }
    const std::uint32_t crc = f.crc();
    f.u32(crc);
  } else {
    die("unknown kind '" + what + "'");
  }
  return 0;
}
