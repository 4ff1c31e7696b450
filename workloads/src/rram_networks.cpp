#include "cimvp/workloads/rram_networks.h"

#include <string>

namespace cimvp {

namespace {

RramNetLayer conv(const char* name, unsigned in_hw, unsigned in_c, unsigned k, unsigned out_c, unsigned stride,
                  unsigned pad) {
  RramNetLayer l;
  l.name = name;
  l.kind = LayerKind::conv;
  l.conv.in_h = l.conv.in_w = in_hw;
  l.conv.in_c = in_c;
  l.conv.kernel_h = l.conv.kernel_w = k;
  l.conv.out_c = out_c;
  l.conv.stride = stride;
  l.conv.pad = pad;
  return l;
}

RramNetLayer pool(const char* name, unsigned in_hw, unsigned in_c, unsigned window, unsigned stride) {
  RramNetLayer l;
  l.name = name;
  l.kind = LayerKind::pool;
  l.pool.in_h = l.pool.in_w = in_hw;
  l.pool.in_c = in_c;
  l.pool.window = window;
  l.pool.stride = stride;
  return l;
}

RramNetLayer fc(const char* name, std::size_t in, std::size_t out) {
  RramNetLayer l;
  l.name = name;
  l.kind = LayerKind::fully_connected;
  l.inputs = in;
  l.outputs = out;
  return l;
}

}  // namespace

std::vector<RramNetLayer> rram_lenet_mnist() {
  return {conv("conv1", 28, 1, 5, 20, 1, 0), pool("pool1", 24, 20, 2, 2), conv("conv2", 12, 20, 5, 50, 1, 0),
          pool("pool2", 8, 50, 2, 2),        fc("fc1", 800, 500),          fc("fc2", 500, 10)};
}

std::vector<RramNetLayer> rram_alexnet_imagenet() {
  return {conv("conv1", 227, 3, 11, 96, 4, 0), pool("pool1", 55, 96, 3, 2),   conv("conv2", 27, 96, 5, 256, 1, 2),
          pool("pool2", 27, 256, 3, 2),        conv("conv3", 13, 256, 3, 384, 1, 1),
          conv("conv4", 13, 384, 3, 384, 1, 1), conv("conv5", 13, 384, 3, 256, 1, 1), pool("pool5", 13, 256, 3, 2),
          fc("fc6", 9216, 4096),               fc("fc7", 4096, 4096),          fc("fc8", 4096, 1000)};
}

std::vector<RramNetLayer> rram_layers_of(const BnnNetwork& net) {
  std::vector<RramNetLayer> out;
  unsigned convs = 0, pools = 0, fcs = 0;
  for (const BnnLayer& L : net.layers) {
    if (L.kind == LayerKind::conv) {
      RramNetLayer c;
      c.name = "conv" + std::to_string(++convs);
      c.kind = LayerKind::conv;
      c.conv = L.conv;
      c.conv.pool = 1;
      out.push_back(c);
      if (L.conv.pool > 1) {
        RramNetLayer p;
        p.name = "pool" + std::to_string(++pools);
        p.kind = LayerKind::pool;
        p.pool.in_h = L.conv.out_h();
        p.pool.in_w = L.conv.out_w();
        p.pool.in_c = L.conv.out_c;
        p.pool.window = p.pool.stride = L.conv.pool;
        out.push_back(p);
      }
    } else {
      out.push_back(fc(("fc" + std::to_string(++fcs)).c_str(), L.inputs, L.outputs));
    }
  }
  return out;
}

}  // namespace cimvp
