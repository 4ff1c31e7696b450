#include "cimvp/circuit/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace cimvp {

namespace {

/// Reads [data, data + n) from fd until n bytes, the end of the file or an error (then
/// `problem` says which); returns the bytes read.  Retries reads interrupted by signals.
std::size_t read_fully(int fd, char* data, std::size_t n, std::string& problem) {
  std::size_t have = 0;
  while (have < n) {
    const ssize_t r = ::read(fd, data + have, n - have);
    if (r < 0) {
      if (errno == EINTR) continue;
      problem = std::string("read error: ") + std::strerror(errno);
      break;
    }
    if (r == 0) break;
    have += static_cast<std::size_t>(r);
  }
  return have;
}

std::string kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a fifo";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string size_text(std::uint64_t bytes) {
  if (bytes % (std::uint64_t{1} << 30) == 0) return std::to_string(bytes >> 30) + " GiB";
  if (bytes % (std::uint64_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

template <class Buffer>
std::string read_all(const std::string& path, Buffer& out, std::uint64_t max_bytes,
                     std::uint64_t prefix_bytes = ~std::uint64_t{0}, std::uint64_t* file_bytes = nullptr) {
  // O_NONBLOCK: opening a fifo must not wait for a writer (it is refused below)
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return std::string("cannot open: ") + std::strerror(errno);
  struct stat st {};
  std::string problem;
  if (::fstat(fd, &st) != 0) {
    problem = std::string("cannot stat: ") + std::strerror(errno);
  } else if (!S_ISREG(st.st_mode)) {
    problem = "not a regular file (" + kind_of(st.st_mode) + ")";
  } else if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    problem = std::to_string(st.st_size) + " bytes is larger than the " + size_text(max_bytes) +
              " limit for input files";
  } else if (file_bytes != nullptr) {
    // prefix only
    *file_bytes = static_cast<std::uint64_t>(st.st_size);
    out.clear();
    out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(prefix_bytes, *file_bytes)));
    out.resize(read_fully(fd, reinterpret_cast<char*>(out.data()), out.size(), problem));
  } else {
    out.clear();
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t have = 0;
    while (true) {
      if (have == out.size()) {
        // the file may have grown since fstat: read on, within the limit
        if (out.size() >= max_bytes) {
          char probe;
          const ssize_t r = ::read(fd, &probe, 1);
          if (r > 0) problem = "larger than the " + size_text(max_bytes) + " limit for input files";
          break;
        }
        out.resize(std::min<std::uint64_t>(max_bytes, out.size() + 65536));
      }
      const std::size_t want = out.size() - have;
      const std::size_t got = read_fully(fd, reinterpret_cast<char*>(out.data()) + have, want, problem);
      have += got;
      if (!problem.empty() || got < want) break;  // end of file or an error
    }
    out.resize(have);
  }
  ::close(fd);
  if (!problem.empty()) out.clear();
  return problem;
}
}  // namespace

std::string read_input_file(const std::string& path, std::string& out, std::uint64_t max_bytes) {
  return read_all(path, out, max_bytes);
}

std::string read_input_file(const std::string& path, std::vector<std::uint8_t>& out, std::uint64_t max_bytes) {
  return read_all(path, out, max_bytes);
}

std::string read_input_prefix(const std::string& path, std::vector<std::uint8_t>& out,
                              std::uint64_t prefix_bytes, std::uint64_t& file_bytes, std::uint64_t max_bytes) {
  file_bytes = 0;
  return read_all(path, out, max_bytes, prefix_bytes, &file_bytes);
}

}  // namespace cimvp
