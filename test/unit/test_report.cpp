// JSON report and console summary (platforms/src/report.cpp), from hand-built data.
#include <catch2/catch.hpp>

#include "cimvp/circuit/version.h"
#include "cimvp/platform/report.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace cimvp;

namespace {
RunReport sample() {
  RunReport r;
  r.platform = "p";
  r.config = nlohmann::ordered_json::parse(R"({"b":1,"a":{"z":2,"y":3}})");
  r.seed = 7;
  r.simulated_time_ns = 1500;
  r.wall_time_s = 0.25;
  r.passed = true;
  r.modules = {{"top.x", {{"reads", 3}, {"bytes", 1024}}}, {"top.y", {}}};
  r.job_name = "j";
  r.job_summary = "all good";
  r.job = nlohmann::ordered_json::parse(R"({"n":1,"m":[1,2]})");
  return r;
}
}  // namespace

TEST_CASE("report: JSON keys in the documented order, config and counters in their order", "[report]") {
  const std::string expected = std::string("{\"cimvp\":\"") + version() +
                               "\",\"platform\":\"p\",\"config\":{\"b\":1,\"a\":{\"z\":2,\"y\":3}},\"seed\":7,"
                               "\"simulated_time_ns\":1500.0,\"wall_time_s\":0.25,\"status\":\"pass\","
                               "\"modules\":{\"top.x\":{\"reads\":3,\"bytes\":1024},\"top.y\":{}},"
                               "\"job\":{\"n\":1,\"m\":[1,2]}}";
  CHECK(report_json(sample()).dump() == expected);
  RunReport failed = sample();
  failed.passed = false;
  failed.job = nullptr;
  const auto j = report_json(failed);
  CHECK(j["status"] == "fail");
  CHECK(j["job"] == nlohmann::ordered_json::object());
}

TEST_CASE("report: write_report writes parseable JSON and fails clearly", "[report]") {
  const auto path = std::filesystem::temp_directory_path() / "cimvp_test_report.json";
  write_report(path.string(), sample());
  std::ifstream in(path);
  const auto j = nlohmann::ordered_json::parse(in);
  CHECK(j["modules"]["top.x"]["bytes"] == 1024);
  CHECK(j["seed"] == 7);
  in.close();
  std::filesystem::remove(path);
  CHECK_THROWS_WITH(write_report("/nonexistent/dir/r.json", sample()),
                    Catch::StartsWith("cannot write report '/nonexistent/dir/r.json'"));
}

TEST_CASE("report: console summary is an aligned table", "[report]") {
  const std::string expected = std::string("cimvp ") + version() +
                               "  platform p  seed 7\n"
                               "simulated time 1.5 us  (wall 0.250 s)\n"
                               "\n"
                               "module  counter  value\n"
                               "------  -------  -----\n"
                               "top.x   reads        3\n"
                               "        bytes     1024\n"
                               "top.y   (none)\n"
                               "\n"
                               "job j: PASS - all good\n";
  CHECK(console_summary(sample()) == expected);
  RunReport failed = sample();
  failed.passed = false;
  failed.modules.clear();
  CHECK_THAT(console_summary(failed), Catch::EndsWith("(wall 0.250 s)\n\njob j: FAIL - all good\n"));
}
