// Configuration of the Supported-BinaryNet job: cim_inference.drop_levels parsing and the
// platform key `workload` (the built-in platform supported-binarynet names its own workload).
#include <catch2/catch.hpp>

#include "cimvp/platform/builtin_platforms.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/workload.h"

#include <filesystem>
#include <fstream>
#include <iterator>
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

TEST_CASE("platform supported-binarynet: row DAC, column ADC and its own workload file", "[config][supports]") {
  const PlatformConfig c = load_platform(resolve_platform("supported-binarynet"));
  CHECK(c.cim.drive.kind == DriveKind::row_dac);
  CHECK(c.cim.sense.kind == SenseKind::adc);
  CHECK(c.workload == "supported-binarynet");
  const std::string path = resolve_platform_workload(c.workload);
  CHECK(path.size() > 5);
  CHECK(std::filesystem::exists(path));
  const WorkloadConfig w = workload_schema().load(
      [&] {
        std::ifstream f(path);
        return std::string(std::istreambuf_iterator<char>(f), {});
      }(),
      path);
  CHECK(w.cim_inference.weights == "mnist-xnor-sup.bnn");
  CHECK(parse_drop_levels(w.cim_inference.drop_levels) == std::vector<unsigned>{0, 250, 500, 750, 900});
  // the default platform keeps binary word lines and no workload of its own
  const PlatformConfig d = load_platform(resolve_platform("default"));
  CHECK(d.cim.drive.kind == DriveKind::binary);
  CHECK(d.workload.empty());
}
