// The elaborated platform (platforms/src/platform.cpp) running the DMA/memory self-test.
#include <catch2/catch.hpp>

#include "sc_test.h"

#include "cimvp/platform/dma_selftest.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/report.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <unistd.h>

using namespace cimvp;

namespace {

PlatformConfig platform_named(const std::string& name, const std::vector<std::string>& sets = {}) {
  return load_platform(resolve_platform(name), sets);
}

std::uint64_t counter(const std::vector<ModuleCounters>& all, const std::string& module, const std::string& name) {
  for (const auto& m : all)
    if (m.module == module)
      for (const auto& [n, v] : m.counters)
        if (n == name) return v;
  FAIL("no counter " << module << "." << name);
  return 0;
}

/// DMA copy time by the documented formula (docs/modules.md, HostDma): the START write's
/// annotated delay (router latency + one DMA clock), setup, then per burst
/// ceil(n / bus width) clocks plus one memory read and one memory write latency (DMI and
/// TLM annotate the same fixed latencies; TLM adds n / bytes_per_ns per access).
double expected_copy_ns(const PlatformConfig& c, std::uint64_t length, bool dmi) {
  double t = c.router.latency_ns + c.dma.clock_period_ns + c.dma.setup_latency_ns;
  for (std::uint64_t done = 0; done < length;) {
    const std::uint64_t n = std::min<std::uint64_t>(c.dma.burst_bytes, length - done);
    t += std::ceil(double(n) / c.dma.bus_width_bytes) * c.dma.clock_period_ns;
    t += c.memory.read_latency_ns + c.memory.write_latency_ns;
    if (!dmi) t += 2 * (c.router.latency_ns + double(n) / c.memory.bytes_per_ns);
    done += n;
  }
  return t;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("default platform: the DMA self-test passes with hand-computed copy times", "[platform]") {
  const PlatformConfig cfg = platform_named("default");
  Platform top("top", cfg);
  DmaSelfTest job(DmaSelfTestConfig{}, cfg);
  top.run_job(job);
  CHECK(tlm_utils::tlm_quantumkeeper::get_global_quantum() == sc_core::sc_time(1, sc_core::SC_US));
  sc_core::sc_start();

  CHECK(top.host.finished());
  CHECK_FALSE(top.host.failed());
  INFO(job.summary());
  REQUIRE(job.passed());
  REQUIRE(job.copies().size() == 8);
  const std::uint64_t fixed_lengths[] = {1, 3, 63, 64, 65, 1000};
  for (std::size_t i = 0; i < 6; ++i) CHECK(job.copies()[i].length == fixed_lengths[i]);
  for (const auto& c : job.copies()) {
    INFO("copy of " << c.length << " bytes");
    CHECK(c.ok);
    CHECK(c.mismatches == 0);
    CHECK(c.irq_ns - c.start_ns == Approx(expected_copy_ns(cfg, c.length, true)).epsilon(1e-12));
  }
  // 1 byte: 1 + 1 + 10 + (1 + 50 + 50) = 113 ns, written out once by hand
  CHECK(job.copies()[0].irq_ns - job.copies()[0].start_ns == 113.0);

  const auto counters = collect_counters();
  CHECK(counter(counters, "top.dma", "transfers") == 8);
  CHECK(counter(counters, "top.dma", "irqs") == 8);
  CHECK(counter(counters, "top.dma", "errors") == 0);
  CHECK(counter(counters, "top.host", "irq_waits") == 8);
  CHECK(counter(counters, "top.host", "errors") == 0);
  std::uint64_t copied = 0;
  for (const auto& c : job.copies()) copied += c.length;
  CHECK(counter(counters, "top.dma", "bytes_read") == copied);
  CHECK(counter(counters, "top.dma", "bytes_written") == copied);
  CHECK(counter(counters, "top.router", "errors") == 0);
}

TEST_CASE("narrow-bus platform: the self-test passes on the TLM (no DMI) path", "[platform]") {
  const PlatformConfig cfg = platform_named("narrow-bus");
  REQUIRE_FALSE(cfg.dma.use_dmi);
  Platform top("top", cfg);
  DmaSelfTest job(DmaSelfTestConfig{}, cfg);
  top.run_job(job);
  sc_core::sc_start();
  INFO(job.summary());
  REQUIRE(job.passed());
  for (const auto& c : job.copies()) {
    INFO("copy of " << c.length << " bytes");
    CHECK(c.irq_ns - c.start_ns == Approx(expected_copy_ns(cfg, c.length, false)).epsilon(1e-12));
  }
  const auto counters = collect_counters();
  CHECK(counter(counters, "top.dma", "dmi_reads") == 0);
  CHECK(counter(counters, "top.dma", "dmi_writes") == 0);
}

TEST_CASE("platform: a corrupted copy is caught by the self-test", "[platform]") {
  const PlatformConfig cfg = platform_named("default");
  Platform top("top", cfg);
  DmaSelfTestConfig st;
  st.copies = 3;
  st.corrupt_copies = 2;
  DmaSelfTest job(st, cfg);
  top.run_job(job);
  cimvp::test::ExpectReport warned("cimvp/selftest", sc_core::SC_WARNING);
  sc_core::sc_start();
  CHECK(top.host.finished());
  CHECK_FALSE(job.passed());
  REQUIRE(job.copies().size() == 3);
  CHECK_FALSE(job.copies()[0].ok);
  CHECK(job.copies()[0].mismatches == 1);
  CHECK_FALSE(job.copies()[1].ok);
  CHECK(job.copies()[2].ok);
  CHECK(warned.count() == 2);
  CHECK(job.results()["copies_ok"] == 1);
}

TEST_CASE("platform: the same seed gives the same run, another seed other copies", "[platform]") {
  // Two elaborations cannot share a process: compare the plan, which the seed fixes.
  const PlatformConfig a = platform_named("default");
  const PlatformConfig b = platform_named("default", {"seed=2"});
  DmaSelfTestConfig st;
  st.copies = 12;
  const DmaSelfTest a1(st, a), a2(st, a), b1(st, b);
  bool differs = false;
  for (std::size_t i = 0; i < 12; ++i) {
    CHECK(a1.copies()[i].src == a2.copies()[i].src);
    CHECK(a1.copies()[i].dst == a2.copies()[i].dst);
    CHECK(a1.copies()[i].length == a2.copies()[i].length);
    if (i >= 6) differs |= a1.copies()[i].length != b1.copies()[i].length || a1.copies()[i].src != b1.copies()[i].src;
  }
  CHECK(differs);
}

TEST_CASE("platform: --vcd output has definitions, the irq/busy signals and time stamps", "[platform][vcd]") {
  const PlatformConfig cfg = platform_named("default");
  const std::string path =
      (std::filesystem::temp_directory_path() / ("cimvp_test_platform_" + std::to_string(::getpid()) + ".vcd")).string();
  Platform top("top", cfg);
  DmaSelfTestConfig st;
  st.copies = 2;
  DmaSelfTest job(st, cfg);
  top.run_job(job);
  {
    VcdFile vcd(path);
    top.trace(vcd.get());
    sc_core::sc_start();
    vcd.close();
  }
  REQUIRE(job.passed());
  const std::string text = slurp(path);
  std::remove(path.c_str());
  CHECK_THAT(text, Catch::Contains("$enddefinitions"));
  CHECK_THAT(text, Catch::Contains("$timescale\n     1 ps\n$end"));

  // variable ids of the traced signals, by scope
  std::map<std::string, std::string> ids;  // "dma.busy" -> id
  std::istringstream in(text);
  std::string line, scope;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string tok;
    ls >> tok;
    if (tok == "$scope") {
      std::string kind, name;
      ls >> kind >> name;
      scope = name;
    } else if (tok == "$var") {
      std::string type, width, id, name;
      ls >> type >> width >> id >> name;
      ids[scope + "." + name] = id;
    } else if (tok == "$enddefinitions") {
      break;
    }
  }
  REQUIRE(ids.count("dma.busy"));
  REQUIRE(ids.count("dma.irq"));
  REQUIRE(ids.count("top.dma_irq"));
  REQUIRE(ids.count("host.waiting_irq"));

  // the first rise of the DMA interrupt is at the first copy's irq time
  std::uint64_t now_ps = 0, first_irq_ps = 0, first_busy_ps = 0;
  std::size_t stamps = 0;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '#') {
      now_ps = std::stoull(line.substr(1));
      ++stamps;
    } else if (line == "1" + ids["top.dma_irq"] && first_irq_ps == 0) {
      first_irq_ps = now_ps;
    } else if (line == "1" + ids["dma.busy"] && first_busy_ps == 0) {
      first_busy_ps = now_ps;
    }
  }
  CHECK(stamps >= 8);  // busy and irq rise and fall for each of 2 copies
  CHECK(double(first_irq_ps) == Approx(job.copies()[0].irq_ns * 1000.0));
  CHECK(first_busy_ps > 0);
  CHECK(first_busy_ps < first_irq_ps);
}
