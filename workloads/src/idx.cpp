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
constexpr std::uint64_t kMaxElements = kIdxMaxElements;
constexpr std::uint64_t kMaxGzipRatio = kIdxMaxGzipRatio;

std::string dims_text(const std::vector<std::uint32_t>& dims) {
  std::ostringstream os;
  for (std::size_t i = 0; i < dims.size(); ++i) os << (i ? "x" : "") << dims[i];
  return dims.empty() ? "(none)" : os.str();
}

std::uint32_t read_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

// Streams the decompressed bytes of a gzip file held in memory (concatenated members are
// one stream).  With `partial_input` the input is only a prefix of the file: running out of
// it ends the stream instead of being an error.
class Inflater {
 public:
  Inflater(const std::vector<std::uint8_t>& in, std::string path, bool partial_input)
      : path_(std::move(path)), partial_(partial_input), in_size_(in.size()) {
    if (inflateInit2(&zs_, 16 + MAX_WBITS) != Z_OK) throw IdxError(path_ + ": cannot initialise zlib");
    zs_.next_in = const_cast<Bytef*>(in.data());
    zs_.avail_in = static_cast<uInt>(in.size());
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  ~Inflater() { inflateEnd(&zs_); }

  /// Up to `max` next bytes into dst; returns how many (0: end of the stream).
  std::size_t read(std::uint8_t* dst, std::size_t max) {
    while (!done_ && max > 0) {
      zs_.next_out = dst;
      zs_.avail_out = static_cast<uInt>(std::min<std::size_t>(max, 1u << 30));
      const uInt asked = zs_.avail_out;
      const int rc = inflate(&zs_, Z_NO_FLUSH);
      const std::size_t produced = asked - zs_.avail_out;
      if (rc == Z_STREAM_END) {
        // Another gzip member may follow (concatenated .gz files are valid gzip).
        if (zs_.avail_in == 0 || inflateReset(&zs_) != Z_OK) done_ = true;
      } else if (rc == Z_BUF_ERROR && zs_.avail_in == 0) {
        if (!partial_)
          throw IdxError(path_ + ": truncated gzip stream (file ends after " + std::to_string(in_size_) +
                         " compressed bytes, before the end-of-stream marker)");
        done_ = true;
      } else if (rc != Z_OK) {
        throw IdxError(path_ + ": corrupt gzip data (" + (zs_.msg ? std::string(zs_.msg) : "error " + std::to_string(rc)) +
                       ")");
      }
      if (produced > 0) return produced;
    }
    return 0;
  }

  /// Fills exactly n bytes unless the stream ends first; returns how many.
  std::size_t read_full(std::uint8_t* dst, std::size_t n) {
    std::size_t have = 0;
    while (have < n) {
      const std::size_t r = read(dst + have, n - have);
      if (r == 0) break;
      have += r;
    }
    return have;
  }

 private:
  z_stream zs_{};
  std::string path_;
  bool partial_;
  std::size_t in_size_;
  bool done_ = false;
};

bool is_gzip(const std::vector<std::uint8_t>& b) { return b.size() >= 2 && b[0] == 0x1f && b[1] == 0x8b; }

// Checks the magic, element type and dimensions of a header; returns the dimensions.
// `size` may be more than the header (the data follows).
std::vector<std::uint32_t> parse_header(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
  if (size < 4)
    throw IdxError(name + ": truncated IDX header: expected at least 4 bytes, found " + std::to_string(size));
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
    throw IdxError(name + ": IDX dimension count " + std::to_string(ndims) + " out of range (allowed 1.." +
                   std::to_string(kMaxDims) + ")");
  const std::size_t header = 4 + 4 * ndims;
  if (size < header)
    throw IdxError(name + ": truncated IDX header: " + std::to_string(ndims) + " dimensions need " +
                   std::to_string(header) + " header bytes, found " + std::to_string(size));
  std::vector<std::uint32_t> dims;
  std::uint64_t count = 1;
  for (std::size_t i = 0; i < ndims; ++i) {
    dims.push_back(read_be32(bytes + 4 + 4 * i));
    count *= dims.back();
    if (count > kMaxElements)
      throw IdxError(name + ": IDX dimensions " + dims_text(dims) + "... exceed 4 Gi elements (the limit for IDX data)");
  }
  return dims;
}

std::uint64_t product(const std::vector<std::uint32_t>& dims) {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  return n;
}

std::string size_error(const std::string& name, const std::vector<std::uint32_t>& dims, std::uint64_t count,
                       std::uint64_t have) {
  if (have < count)
    return name + ": truncated IDX data: dimensions " + dims_text(dims) + " need " + std::to_string(count) +
           " data bytes, found " + std::to_string(have);
  return name + ": " + std::to_string(have - count) + " trailing bytes after the IDX data (dimensions " +
         dims_text(dims) + " need " + std::to_string(count) + " data bytes, found " + std::to_string(have) + ")";
}

}  // namespace

std::size_t IdxArray::element_count() const {
  std::uint64_t n = 1;
  for (auto d : dims) n *= d;
  return static_cast<std::size_t>(n);
}

std::uint64_t IdxHeader::element_count() const { return product(dims); }

IdxHeader read_idx_header(const std::string& path) {
  IdxHeader h;
  std::vector<std::uint8_t> prefix;
  constexpr std::uint64_t kPrefix = 64 * 1024;
  const std::string problem = read_input_prefix(path, prefix, kPrefix, h.file_bytes);
  if (!problem.empty()) throw IdxError(path + ": " + problem);
  h.gzip = is_gzip(prefix);
  if (!h.gzip) {
    h.dims = parse_header(prefix.data(), prefix.size(), path);
    h.header_bytes = 4 + 4 * h.dims.size();
    const std::uint64_t have = h.file_bytes - h.header_bytes;
    if (have != h.element_count()) throw IdxError(size_error(path, h.dims, h.element_count(), have));
    return h;
  }
  // gzip: decompress only the header (from the prefix; the whole file when the prefix
  // does not reach the header, e.g. after a long gzip file name field)
  std::uint8_t head[4 + 4 * kMaxDims];
  std::size_t got = 0;
  for (int pass = 0; pass < 2; ++pass) {
    const bool partial = prefix.size() < h.file_bytes;
    Inflater z(prefix, path, partial);
    got = z.read_full(head, 4);
    if (got == 4 && head[3] >= 1 && head[3] <= kMaxDims) got += z.read_full(head + 4, 4u * head[3]);
    if (!partial || got == 4 + 4u * head[3]) break;
    if (const std::string p = read_input_file(path, prefix); !p.empty()) throw IdxError(path + ": " + p);
  }
  h.dims = parse_header(head, got, path);
  h.header_bytes = 4 + 4 * h.dims.size();
  // deflate expands at most 1032:1: a header declaring more data than the compressed
  // file can hold is rejected before anything is decompressed
  const std::uint64_t most = h.file_bytes * kMaxGzipRatio;
  if (h.element_count() + h.header_bytes > most)
    throw IdxError(path + ": IDX dimensions " + dims_text(h.dims) + " declare " + std::to_string(h.element_count()) +
                   " data bytes, but " + std::to_string(h.file_bytes) + " bytes of gzip can hold at most " +
                   std::to_string(most) + " (deflate expands at most " + std::to_string(kMaxGzipRatio) + ":1)");
  return h;
}

std::vector<std::uint8_t> read_file_maybe_gzip(const std::string& path) {
  std::vector<std::uint8_t> raw;
  const std::string problem = read_input_file(path, raw);
  if (!problem.empty()) throw IdxError(path + ": " + problem);
  if (!is_gzip(raw)) return raw;
  Inflater z(raw, path, false);
  std::vector<std::uint8_t> out;
  std::vector<std::uint8_t> chunk(1 << 20);
  while (const std::size_t n = z.read(chunk.data(), chunk.size())) {
    if (out.size() + n > kMaxElements + 1024)
      throw IdxError(path + ": gzip stream expands beyond 4 GiB; not an IDX data file");
    out.insert(out.end(), chunk.data(), chunk.data() + n);
  }
  return out;
}

IdxArray parse_idx(const std::uint8_t* bytes, std::size_t size, const std::string& name) {
  IdxArray a;
  a.dims = parse_header(bytes, size, name);
  const std::size_t header = 4 + 4 * a.dims.size();
  const std::uint64_t count = product(a.dims), have = size - header;
  if (have != count) throw IdxError(size_error(name, a.dims, count, have));
  a.data.assign(bytes + header, bytes + size);
  return a;
}

namespace {
/// Keeps the first `items` entries of dimension 0 (items < dims[0]).
void keep_items(IdxArray& a, std::uint64_t items) {
  const std::uint64_t per = a.dims[0] == 0 ? 0 : product(a.dims) / a.dims[0];
  a.dims[0] = static_cast<std::uint32_t>(items);
  a.data.resize(static_cast<std::size_t>(items * per));
}
}  // namespace

IdxArray read_idx(const std::string& path, std::uint64_t max_items) {
  // the header first: its dimensions are checked against the file (raw: its exact size;
  // gzip: what the compressed size can hold) before the body is read
  const IdxHeader h = read_idx_header(path);
  std::vector<std::uint8_t> file;
  if (const std::string problem = read_input_file(path, file); !problem.empty()) throw IdxError(path + ": " + problem);
  IdxArray a;
  if (!is_gzip(file)) {
    a.dims = parse_header(file.data(), file.size(), path);  // the file may have changed since
    const std::uint64_t count = product(a.dims), have = file.size() - h.header_bytes;
    if (have != count) throw IdxError(size_error(path, a.dims, count, have));
    file.erase(file.begin(), file.begin() + static_cast<std::ptrdiff_t>(h.header_bytes));  // in place
    a.data = std::move(file);
    if (max_items != 0 && max_items < a.dims[0]) keep_items(a, max_items);
    return a;
  }
  // gzip: the data grows as it is decompressed, never past the declared count
  Inflater z(file, path, false);
  std::uint8_t head[4 + 4 * kMaxDims];
  const std::size_t got = z.read_full(head, h.header_bytes);
  a.dims = parse_header(head, got, path);
  // a partial read decompresses only the items it keeps (the rest of the stream is not checked)
  const bool partial = max_items != 0 && max_items < a.dims[0];
  const std::uint64_t count = partial ? product(a.dims) / a.dims[0] * max_items : product(a.dims);
  // room for the body up front (growing a 47 MB body 1 MiB at a time copied it over and
  // over: ~10 % of a default run), but never more than a few times the compressed size, so
  // a header that lies costs no more memory than before it is caught
  a.data.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, 4 * std::uint64_t{file.size()})));
  std::vector<std::uint8_t> chunk(1 << 20);
  std::uint64_t extra = 0;
  while (const std::size_t n = z.read(chunk.data(), chunk.size())) {
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, count - a.data.size()));
    a.data.insert(a.data.end(), chunk.data(), chunk.data() + take);
    extra += n - take;
    if (partial && a.data.size() == count) break;
    if (extra > kMaxElements) break;  // a bomb after the data: enough to say "trailing"
  }
  if (partial) {
    if (a.data.size() != count) throw IdxError(size_error(path, a.dims, product(a.dims), a.data.size()));
    a.dims[0] = static_cast<std::uint32_t>(max_items);
    return a;
  }
  if (a.data.size() != count || extra > 0) throw IdxError(size_error(path, a.dims, count, a.data.size() + extra));
  return a;
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
