// IDX reader/writer (see idx.h for the format).
#include "cimvp/workloads/idx.h"
#include "cimvp/circuit/input_file.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>

namespace cimvp {
namespace {

constexpr std::size_t kMaxDims = 8;
// Guard against absurd sizes (gzip bombs, corrupt headers): 4 GiB of pixels is far more
// than any data set this project reads.
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 32;

std::string dims_text(const std::vector<std::uint32_t>& dims) {
  std::ostringstream os;
  for (std::size_t i = 0; i < dims.size(); ++i) os << (i ? "x" : "") << dims[i];
  return dims.empty() ? "(none)" : os.str();
}

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

std::vector<std::uint8_t> gunzip(const std::vector<std::uint8_t>& in, const std::string& path) {
  std::vector<std::uint8_t> out;
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) throw IdxError(path + ": cannot initialise zlib");
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  std::vector<std::uint8_t> chunk(1 << 20);
  for (;;) {
    zs.next_out = chunk.data();
    zs.avail_out = static_cast<uInt>(chunk.size());
    const int rc = inflate(&zs, Z_NO_FLUSH);
    out.insert(out.end(), chunk.data(), chunk.data() + (chunk.size() - zs.avail_out));
    if (out.size() > kMaxElements + 1024) {
      inflateEnd(&zs);
      throw IdxError(path + ": gzip stream expands beyond 4 GiB; not an IDX data file");
    }
    if (rc == Z_STREAM_END) {
      // Another gzip member may follow (concatenated .gz files are valid gzip).
      if (zs.avail_in == 0) break;
      if (inflateReset(&zs) != Z_OK) break;
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      throw IdxError(path + ": truncated gzip stream (file ends after " + std::to_string(in.size()) +
                     " compressed bytes, before the end-of-stream marker)");
    }
    const std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
    inflateEnd(&zs);
    throw IdxError(path + ": corrupt gzip data (" + msg + ")");
  }
  inflateEnd(&zs);
  return out;
}

}  // namespace

std::size_t IdxArray::element_count() const {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  return static_cast<std::size_t>(n);
}

std::vector<std::uint8_t> read_file_maybe_gzip(const std::string& path) {
  std::vector<std::uint8_t> raw;
  const std::string problem = read_input_file(path, raw);
  if (!problem.empty()) throw IdxError(path + ": " + problem);
  if (raw.size() >= 2 && raw[0] == 0x1f && raw[1] == 0x8b) return gunzip(raw, path);
  return raw;
}

IdxArray parse_idx(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
  if (size < 4)
    throw IdxError(name + ": truncated IDX header: expected at least 4 bytes, found " +
                   std::to_string(size));
  if (bytes[0] != 0 || bytes[1] != 0) {
    std::ostringstream os;
    os << name << ": bad IDX magic: expected bytes 0x00 0x00 at offset 0, found 0x" << std::hex
       << unsigned{bytes[0]} << " 0x" << unsigned{bytes[1]};
    throw IdxError(os.str());
  }
  if (bytes[2] != 0x08) {
    std::ostringstream os;
    os << name << ": unsupported IDX element type 0x" << std::hex << unsigned{bytes[2]}
       << " (only 0x08, unsigned byte, is supported)";
    throw IdxError(os.str());
  }
  const std::size_t ndims = bytes[3];
  if (ndims < 1 || ndims > kMaxDims)
    throw IdxError(name + ": IDX dimension count " + std::to_string(ndims) +
                   " out of range (allowed 1.." + std::to_string(kMaxDims) + ")");
  const std::size_t header = 4 + 4 * ndims;
  if (size < header)
    throw IdxError(name + ": truncated IDX header: " + std::to_string(ndims) +
                   " dimensions need " + std::to_string(header) + " header bytes, found " +
                   std::to_string(size));
  IdxArray a;
  std::uint64_t count = 1;
  for (std::size_t i = 0; i < ndims; ++i) {
    a.dims.push_back(read_be32(bytes + 4 + 4 * i));
    count *= a.dims.back();
    if (count > kMaxElements)
      throw IdxError(name + ": IDX dimensions " + dims_text(a.dims) + "... exceed 4 Gi elements");
  }
  const std::uint64_t have = size - header;
  if (have < count)
    throw IdxError(name + ": truncated IDX data: dimensions " + dims_text(a.dims) + " need " +
                   std::to_string(count) + " data bytes, found " + std::to_string(have));
  if (have > count)
    throw IdxError(name + ": " + std::to_string(have - count) +
                   " trailing bytes after the IDX data (dimensions " + dims_text(a.dims) + " need " +
                   std::to_string(count) + " data bytes, found " + std::to_string(have) + ")");
  a.data.assign(bytes + header, bytes + size);
  return a;
}

IdxArray read_idx(const std::string& path) {
  const auto bytes = read_file_maybe_gzip(path);
  return parse_idx(bytes.data(), bytes.size(), path);
}

std::vector<std::uint8_t> serialize_idx(const IdxArray& a) {
  if (a.dims.empty() || a.dims.size() > kMaxDims)
    throw IdxError("serialize_idx: dimension count " + std::to_string(a.dims.size()) +
                   " out of range (allowed 1.." + std::to_string(kMaxDims) + ")");
  if (a.element_count() != a.data.size())
    throw IdxError("serialize_idx: dimensions " + dims_text(a.dims) + " need " +
                   std::to_string(a.element_count()) + " bytes, data holds " +
                   std::to_string(a.data.size()));
  std::vector<std::uint8_t> out{0, 0, 0x08, static_cast<std::uint8_t>(a.dims.size())};
  for (auto d : a.dims)
    for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<std::uint8_t>(d >> s));
  out.insert(out.end(), a.data.begin(), a.data.end());
  return out;
}

void write_idx(const std::string& path, const IdxArray& array, bool gzip) {
  const auto bytes = serialize_idx(array);
  if (gzip) {
    gzFile gz = gzopen(path.c_str(), "wb9");
    if (!gz) throw IdxError(path + ": cannot create file");
    std::size_t done = 0;
    while (done < bytes.size()) {
      const auto n = static_cast<unsigned>(std::min<std::size_t>(bytes.size() - done, 1u << 30));
      if (gzwrite(gz, bytes.data() + done, n) != static_cast<int>(n)) {
        gzclose(gz);
        throw IdxError(path + ": gzip write error");
      }
      done += n;
    }
    if (gzclose(gz) != Z_OK) throw IdxError(path + ": gzip close error");
    return;
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) throw IdxError(path + ": cannot create file (" + std::strerror(errno) + ")");
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw IdxError(path + ": write error");
}

}  // namespace cimvp
