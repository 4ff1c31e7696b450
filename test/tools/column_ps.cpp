// cimvp-column-ps: the exact partial sums of one output column of a network's first layer for
// one test image, row block by row block and bit plane by bit plane, computed with plain
// integer loops from the stored weights and the image's pixels (no bit packing, no datapath
// code).  test/cli/vcd_detail.cmake compares them with the levels and sums the VCD shows for
// `--vcd-column 0:COLUMN` on an exact read (cim.array.access=row_by_row: level = 2·PS).
//
//   cimvp-column-ps WEIGHTS.bnn DATASET IMAGE COLUMN ROWS
//
// Prints JSON: {"row_blocks": RB, "planes": P, "level": [[2·PS of plane p, row block rb]...],
// "sum": [[running Σ 2^p·2·PS in plane-major, row-block order]...]} (half PS units).
// Only bit-serial first layers (pixel bit 8 − input_bits + p drives plane p, a {0,1} input).
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/network_io.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: cimvp-column-ps WEIGHTS.bnn DATASET IMAGE COLUMN ROWS\n");
    return 2;
  }
  try {
    const cimvp::BnnNetwork net = cimvp::load_network(argv[1]);
    const cimvp::Dataset data = cimvp::load_dataset(argv[2], cimvp::DatasetSplit::test);
    const std::size_t image = std::strtoul(argv[3], nullptr, 10);
    const unsigned column = static_cast<unsigned>(std::strtoul(argv[4], nullptr, 10));
    const unsigned rows = static_cast<unsigned>(std::strtoul(argv[5], nullptr, 10));
    if (net.input != cimvp::InputEncoding::bit_serial) throw std::runtime_error("not a bit-serial network");
    const cimvp::BnnLayer& L = net.layers.at(0);
    if (image >= data.size() || column >= L.outputs || rows == 0 || L.inputs != data.pixels())
      throw std::runtime_error("image, column or rows out of range");
    const std::uint8_t* px = data.image(image);
    const unsigned planes = net.input_bits, first_bit = 8 - net.input_bits;
    const unsigned blocks = (L.inputs + rows - 1) / rows;
    std::string level = "[", sum = "[";
    long long running = 0;
    for (unsigned p = 0; p < planes; ++p) {
      level += p ? ",[" : "[";
      sum += p ? ",[" : "[";
      for (unsigned rb = 0; rb < blocks; ++rb) {
        long long ps = 0;
        for (unsigned k = rb * rows; k < L.inputs && k < (rb + 1) * rows; ++k)
          if ((px[k] >> (first_bit + p)) & 1u) ps += L.weights[std::size_t{column} * L.inputs + k];
        running += 2 * ps * (1LL << p);
        level += (rb ? "," : "") + std::to_string(2 * ps);
        sum += (rb ? "," : "") + std::to_string(running);
      }
      level += "]";
      sum += "]";
    }
    std::printf("{\"row_blocks\": %u, \"planes\": %u, \"level\": %s], \"sum\": %s]}\n", blocks, planes, level.c_str(),
                sum.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "cimvp-column-ps: %s\n", e.what());
    return 2;
  }
  return 0;
}
