#include "cimvp/platform/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace cimvp {

namespace {
std::string kind_of(mode_t m) {
  if (S_ISLNK(m)) return "a symbolic link (output files are never written through or replace a link)";
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a fifo";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string directory_of(const std::string& path) {
  const auto cut = path.find_last_of('/');
  if (cut == std::string::npos) return ".";
  if (cut == 0) return "/";
  return path.substr(0, cut);
}

std::string target_problem(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return "is " + kind_of(st.st_mode) + ", not a regular file";
    return {};
  }
  if (errno != ENOENT) return std::string("cannot check: ") + std::strerror(errno);
  return {};
}
}  // namespace

std::string output_path_problem(const std::string& path) {
  if (path.empty()) return "empty path";
  if (path.back() == '/') return "names a directory";
  if (std::string p = target_problem(path); !p.empty()) return p;
  const std::string dir = directory_of(path);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return "directory '" + dir + "': " + std::strerror(errno);
  if (!S_ISDIR(st.st_mode)) return "'" + dir + "' is not a directory";
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return "directory '" + dir + "': " + std::strerror(errno);
  return {};
}

OutputFile::OutputFile(std::string path, std::string suffix) : path_(std::move(path)), suffix_(std::move(suffix)) {
  if (const std::string p = output_path_problem(path_); !p.empty())
    throw std::runtime_error("cannot write '" + path_ + "': " + p);
  const std::string dir = directory_of(path_);
  const auto cut = path_.find_last_of('/');
  const std::string name = cut == std::string::npos ? path_ : path_.substr(cut + 1);
  std::string templ = (dir == "/" ? "" : dir) + "/." + name + ".cimvp-XXXXXX";
  if (path_.find('/') == std::string::npos) templ = "." + name + ".cimvp-XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  if (fd < 0) throw std::runtime_error("cannot write '" + path_ + "': cannot create a temporary: " + std::strerror(errno));
  // the usual permissions of a new file (mkstemp makes it 0600)
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  ::close(fd);
  temp_ = buf.data();
}

OutputFile::~OutputFile() { discard(); }

void OutputFile::discard() noexcept {
  if (done_ || temp_.empty()) return;
  done_ = true;
  ::unlink(temp_.c_str());
  if (!suffix_.empty()) ::unlink((temp_ + suffix_).c_str());
}

void OutputFile::commit() {
  if (done_) return;
  if (const std::string p = target_problem(path_); !p.empty()) {
    discard();
    throw std::runtime_error("cannot write '" + path_ + "': " + p);
  }
  if (std::rename(temp_path().c_str(), path_.c_str()) != 0) {
    const std::string err = std::strerror(errno);
    discard();
    throw std::runtime_error("cannot write '" + path_ + "': " + err);
  }
  if (!suffix_.empty()) ::unlink(temp_.c_str());  // the name reservation
  done_ = true;
}

}  // namespace cimvp
