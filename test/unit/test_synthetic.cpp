// SYNTHETIC workloads (workloads/synthetic.h): the VGG-8 shape by hand, determinism per seed,
// the 32x32x3 image set.
#include <catch2/catch.hpp>

#include "cimvp/workloads/golden.h"
#include "cimvp/workloads/synthetic.h"

using namespace cimvp;

TEST_CASE("synthetic_vgg8: VGG-8 shape on 32x32x3, deterministic per seed", "[synthetic][conv]") {
  const BnnNetwork a = synthetic_vgg8(1), b = synthetic_vgg8(1), c = synthetic_vgg8(2);
  REQUIRE(a.layers.size() == 8u);
  const unsigned out_c[] = {128, 128, 256, 256, 512, 512};
  const unsigned in_hw[] = {32, 32, 16, 16, 8, 8};
  const unsigned pool[] = {1, 2, 1, 2, 1, 2};
  unsigned in_c = 3;
  for (int l = 0; l < 6; ++l) {
    INFO("layer " << l);
    const BnnLayer& L = a.layers[l];
    REQUIRE(L.is_conv());
    CHECK(L.conv.in_h == in_hw[l]);
    CHECK(L.conv.in_w == in_hw[l]);
    CHECK(L.conv.in_c == in_c);
    CHECK(L.conv.out_c == out_c[l]);
    CHECK(L.conv.kernel_h == 3u);
    CHECK(L.conv.pad == 1u);
    CHECK(L.conv.stride == 1u);
    CHECK(L.conv.pool == pool[l]);
    CHECK(L.inputs == 9 * in_c);
    in_c = out_c[l];
  }
  CHECK(a.layers[6].inputs == 4u * 4 * 512);
  CHECK(a.layers[6].outputs == 1024u);
  CHECK(a.layers[7].outputs == 10u);
  CHECK_NOTHROW(validate_network(a, 32 * 32 * 3));
  CHECK(a.layers[3].weights == b.layers[3].weights);
  CHECK(a.layers[3].threshold == b.layers[3].threshold);
  CHECK(a.layers[3].weights != c.layers[3].weights);
  CHECK_THAT(a.description, Catch::Contains("SYNTHETIC"));
}

TEST_CASE("synthetic 32x32x3 images: HWC bytes, 3 channels, random labels, by split", "[synthetic]") {
  const Dataset t = load_dataset(kSynthetic32x32x3, DatasetSplit::test);
  const Dataset r = load_dataset(kSynthetic32x32x3, DatasetSplit::train);
  CHECK(t.size() == 1000u);
  CHECK(r.size() == 256u);
  CHECK(t.channels == 3u);
  CHECK(t.pixels() == 3072u);
  CHECK(t.images.size() == 1000u * 3072);
  CHECK(t.head(5).pixels() == 3072u);  // head keeps the channels
  CHECK(t.images != std::vector<std::uint8_t>(t.images.size(), 0));
  for (auto l : t.labels) CHECK(l < 10u);
  CHECK(load_dataset(kSynthetic32x32x3, DatasetSplit::test).images == t.images);  // seeded
}
