// Configuration of the Supported-BinaryNet job: cim_inference.drop_levels parsing and the
// built-in platform supported-binarynet with its own `workload:` section.
#include <catch2/catch.hpp>

#include "cimvp/platform/builtin_platforms.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/workload.h"

#include <string>
#include <vector>

using namespace cimvp;

TEST_CASE("drop levels: comma-separated per mille, 0..1000, bad items name the key", "[config][supports]") {
  CHECK(parse_drop_levels("").empty());
  CHECK(parse_drop_levels("0,250, 500 ,1000") == std::vector<unsigned>{0, 250, 500, 1000});
  CHECK_THROWS_AS(parse_drop_levels("1001"), ConfigError);
  CHECK_THROWS_WITH(parse_drop_levels("0,x"), Catch::Contains("cim_inference.drop_levels") && Catch::Contains("0..1000"));
  CHECK_THROWS_AS(parse_drop_levels("0,,5"), ConfigError);
  CHECK_THROWS_AS(parse_drop_levels("-1"), ConfigError);
}

TEST_CASE("platform supported-binarynet: row DAC, column ADC and its own workload section", "[config][supports]") {
  const PlatformSource src = resolve_platform("supported-binarynet");
  const PlatformConfig c = load_platform(src);
  CHECK(c.cim.drive.kind == DriveKind::row_dac);
  CHECK(c.cim.sense.kind == SenseKind::adc);
  const WorkloadConfig w = load_workload(src, "", {});
  CHECK(w.job == "cim_inference");
  CHECK(w.cim_inference.weights == "fmnist-xnor-100-sup.bnn");
  CHECK(w.cim_inference.dataset == "fashion-mnist");
  CHECK(w.cim_inference.images == 0u);  // all 10,000 test images
  CHECK(parse_drop_levels(w.cim_inference.drop_levels) == std::vector<unsigned>{0, 250, 500, 750, 900});
  // the default platform keeps binary word lines and runs without drop levels
  const PlatformSource d = resolve_platform("default");
  CHECK(load_platform(d).cim.drive.kind == DriveKind::binary);
  CHECK(load_workload(d, "", {}).cim_inference.drop_levels.empty());
}
