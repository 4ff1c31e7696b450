// IDX files (the MNIST / Fashion-MNIST container): reader and writer, plain or gzip.
//
// Layout (all header integers big-endian):
//   bytes 0-1  0x00 0x00
//   byte  2    element type; only 0x08 (unsigned byte) is supported
//   byte  3    number of dimensions n (1..8)
//   then n uint32 dimension sizes, then the product of the sizes in data bytes.
// A file whose first two bytes are 0x1f 0x8b is gunzipped first (concatenated gzip members
// are accepted).  Any deviation (bad magic, unsupported type, truncated data, trailing
// bytes, corrupt gzip) throws IdxError naming the file and what was expected vs found.
//
// Memory: the header is read and checked before the body is allocated.  A plain file must
// be exactly header + product(dims) bytes long; a gzip file's declared data must fit what
// its compressed size can hold (deflate expands at most kIdxMaxGzipRatio:1), and its data
// is grown as it is decompressed, never from the declared count, so a header that lies
// costs no more memory than the data really present.  At most kIdxMaxElements elements.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cimvp {

/// Thrown for every malformed or unreadable IDX file; what() names the file.
class IdxError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Most elements (bytes of data) an IDX file may declare: 4 Gi.
constexpr std::uint64_t kIdxMaxElements = std::uint64_t{1} << 32;
/// Largest expansion of deflate (zlib's technical limit, about 1032:1).
constexpr std::uint64_t kIdxMaxGzipRatio = 1032;

/// The header of an IDX file, read without its body (read_idx_header).
struct IdxHeader {
  std::vector<std::uint32_t> dims;  ///< dimension sizes
  bool gzip = false;                ///< the file is gzip-compressed
  std::uint64_t file_bytes = 0;     ///< size on disk (compressed size for gzip)
  std::size_t header_bytes = 0;     ///< 4 + 4·dims (in the decompressed stream)
  /// Product of dims: data bytes the header declares.
  std::uint64_t element_count() const;
};

/// An n-dimensional array of unsigned bytes, row-major (last dimension fastest).
struct IdxArray {
  std::vector<std::uint32_t> dims;
  std::vector<std::uint8_t> data;

  /// Product of dims (the number of elements data must hold).
  std::size_t element_count() const;
};

/// Reads an IDX file, gunzipping it when it starts with the gzip magic.  With `max_items` > 0
/// only the first min(max_items, dims[0]) entries of dimension 0 are kept (dims[0] says how
/// many): a gzip body is decompressed only that far, so its remainder is not checked (a
/// truncated or trailing tail beyond them goes unnoticed; the header checks still apply).
IdxArray read_idx(const std::string& path, std::uint64_t max_items = 0);

/// Reads and checks only the header of an IDX file (plain: at most 64 KiB are read and the
/// declared data must match the file size exactly; gzip: only the header is decompressed
/// and the declared data must fit kIdxMaxGzipRatio × the compressed size).  Throws IdxError.
IdxHeader read_idx_header(const std::string& path);

/// Parses an IDX image held in memory (already decompressed). `name` is used in errors.
IdxArray parse_idx(const std::uint8_t* bytes, std::size_t size, const std::string& name);

/// Serializes an array to the IDX byte layout (throws IdxError when data and dims disagree).
std::vector<std::uint8_t> serialize_idx(const IdxArray& array);

/// Writes an IDX file, gzip-compressed when `gzip` is true.
void write_idx(const std::string& path, const IdxArray& array, bool gzip);

/// Reads a whole file and gunzips it if it carries the gzip magic (helper shared with the
/// data-set loaders; throws IdxError with the path on any I/O or gzip problem).
std::vector<std::uint8_t> read_file_maybe_gzip(const std::string& path);

}  // namespace cimvp
