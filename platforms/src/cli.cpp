#include "cimvp/platform/cli.h"

#include "cimvp/circuit/version.h"
#include "cimvp/platform/builtin_platforms.h"
#include "cimvp/platform/cim_config.h"
#include "cimvp/platform/cim_inference.h"
#include "cimvp/platform/gtkwave_save.h"
#include "cimvp/platform/output_file.h"
#include "cimvp/platform/platform.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/platform/report.h"
#include "cimvp/platform/report_csv.h"
#include "cimvp/platform/sweep.h"
#include "cimvp/platform/units.h"
#include "cimvp/platform/workload.h"

#include <boost/program_options.hpp>
#include <systemc>

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cimvp {

namespace {

namespace po = boost::program_options;

const char* const log_levels[] = {"error", "warning", "info", "debug"};

void error(const std::string& msg) { std::cerr << "cimvp: error: " << msg << '\n'; }

/// "out of memory while <doing>: ..." naming the limit that was exceeded.
void out_of_memory(const std::string& doing, const std::bad_alloc* e = nullptr) {
  const std::string detail = e != nullptr && std::strcmp(e->what(), "std::bad_alloc") != 0 ? std::string(" (") + e->what() + ")" : "";
  struct rlimit rl {};
  std::string limit;
  if (::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    limit = "the process address-space limit of " + std::to_string(rl.rlim_cur >> 20) +
            " MiB (RLIMIT_AS: ulimit -v, prlimit --as) was exceeded";
  else
    limit = "the memory available to the process was exceeded (no address-space limit is set)";
  error("out of memory while " + doing + ": an allocation failed" + detail + "; " + limit +
        ". Reduce the sizes the configuration, the network or the data set ask for (docs/cli.md, \"Input files\").");
}

po::options_description make_options() {
  po::options_description d("Options");
  d.add_options()
      ("platform", po::value<std::string>()->value_name("FILE"),
       "platform YAML file, or the name of a built-in platform (default: the embedded 'default')")
      ("workload", po::value<std::string>()->value_name("FILE"),
       "workload YAML file selecting the job, applied over the platform's own `workload:` section "
       "(default job: BNN inference when the platform maps a CIM macro, else the DMA/memory self-test)")
      ("set", po::value<std::vector<std::string>>()->value_name("KEY=VALUE"),
       "override one platform key, e.g. memory.read_latency_ns=20 or address_map[1].base=0x4000_1000, "
       "or a workload key as workload.KEY, e.g. workload.cim_inference.images=100 (repeatable, applied in order)")
      ("images", po::value<std::string>()->value_name("N"),
       "classify only the first N test images (same as --set workload.cim_inference.images=N)")
      ("min-accuracy", po::value<std::string>()->value_name("PERCENT"),
       "fail (exit 1) when the hardware accuracy is below PERCENT (jobs that classify images)")
      ("vcd", po::value<std::string>()->value_name("FILE"),
       "write a VCD waveform of every module's signals (and FILE's stem + .gtkw, a GTKWave save file)")
      ("vcd-window", po::value<std::string>()->value_name("T0:T1"),
       "keep only the simulated times T0..T1 in the VCD, e.g. 800us:1ms (a bare number is ns)")
      ("vcd-images", po::value<std::string>()->value_name("A:B"),
       "keep only the time the CIM macro computes images A..B-1 (counted from the network load)")
      ("vcd-column", po::value<std::string>()->value_name("LAYER:COLUMN"),
       "also trace the sensed level and the sum of output COLUMN of dense layer LAYER, row block by row block, "
       "for each tile's first image (signals cim.row_block, cim.column_sensed, cim.column_sum)")
      ("report", po::value<std::string>()->value_name("FILE.json"), "write the JSON run report")
      ("report-csv", po::value<std::string>()->value_name("FILE.csv"),
       "write the run's summary row as CSV to FILE.csv, and beside it FILE.layers.csv, FILE.modules.csv, "
       "FILE.components.csv (energy breakdown), FILE.config.csv (the resolved configuration) and "
       "FILE.phases.csv (training phases)")
      ("show-config", "print the resolved configuration (every platform and workload key with its value) "
       "before the run")
      ("quantum", po::value<std::string>()->value_name("TIME"),
       "global TLM quantum, e.g. 1us, \"500 ns\", 2ms (overrides quantum_ns)")
      ("log-level", po::value<std::string>()->value_name("LEVEL")->default_value("warning"),
       "error|warning|info|debug: which SystemC reports are shown")
      ("list-platforms", "list the built-in platforms and exit")
      ("list-keys", "print every configuration key as a markdown table and exit")
      ("help,h", "show this help and exit")
      ("version", "show the version and exit");
  return d;
}

std::string suggest_option(const po::options_description& d, std::string name) {
  while (!name.empty() && name.front() == '-') name.erase(0, 1);
  const auto eq = name.find('=');
  if (eq != std::string::npos) name.resize(eq);
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& o : d.options()) {
    const std::string& candidate = o->long_name();
    const std::size_t dist = edit_distance(name, candidate);
    if (dist < best_d) {
      best_d = dist;
      best = candidate;
    }
  }
  return best_d <= std::max<std::size_t>(2, name.size() / 3) ? best : std::string();
}

void print_help(const po::options_description& d) {
  std::cout << "Usage: cimvp [--platform FILE] [--workload FILE] [--set KEY=VALUE]... [--images N]\n"
               "             [--min-accuracy PERCENT] [--vcd FILE [--vcd-window T0:T1 | --vcd-images A:B] [--vcd-column LAYER:COLUMN]] [--report FILE.json] [--report-csv FILE.csv]\n"
               "             [--quantum TIME] [--log-level LEVEL] [--show-config]\n"
               "             [--list-platforms] [--list-keys] [--help] [--version]\n"
               "       cimvp sweep SWEEP.yaml [-j N] [--out DIR] [--slurm ...]   (docs/sweeps.md)\n\n"
               "Elaborates a cimvp SystemC/TLM-2.0 platform from YAML and runs a job on it.\n\n"
            << d
            << "\nExit codes: 0 ok, 1 simulation failure, 2 bad input (option, YAML, --set, file).\n"
               "Configuration keys: docs/configuration.md (or --list-keys).\n";
}

int list_platforms() {
  const auto all = builtin_platforms();
  std::size_t w = 0;
  for (const auto& b : all) w = std::max(w, b.name.size());
  for (const auto& b : all) {
    std::string description;
    try {
      description = load_platform(resolve_platform(std::string(b.name))).description;
    } catch (const ConfigError& e) {
      description = std::string("(invalid: ") + e.what() + ")";
    }
    std::cout << b.name << std::string(w - b.name.size() + 2, ' ') << description << '\n';
  }
  return exit_ok;
}

int list_keys() {
  std::cout << "## Platform keys\n\n" << platform_schema().markdown() << "\n## Workload keys\n\n"
            << workload_schema().markdown();
  return exit_ok;
}

/// Our report handler: "cimvp: <severity>: [<time>] <type>: <message>" on stderr, then
/// SystemC's default handling of every other action (log, cache, stop, throw, abort).
void report_handler(const sc_core::sc_report& rep, const sc_core::sc_actions& actions) {
  using namespace sc_core;
  if (actions & SC_DISPLAY) {
    static const char* const names[] = {"info", "warning", "error", "fatal"};
    const int sev = rep.get_severity();
    std::cerr << "cimvp: " << (sev >= 0 && sev < 4 ? names[sev] : "report") << ": ["
              << format_time_ns(rep.get_time() / sc_core::sc_time(1, sc_core::SC_NS)) << "] "
              << rep.get_msg_type() << ": " << rep.get_msg() << '\n';
  }
  sc_report_handler::default_handler(rep, actions & ~SC_DISPLAY);
}

void configure_reports(const std::string& level) {
  using namespace sc_core;
  sc_report_handler::set_handler(&report_handler);
  const bool show_info = level == "info" || level == "debug";
  sc_report_handler::set_verbosity_level(level == "debug" ? SC_DEBUG : SC_MEDIUM);
  sc_report_handler::set_actions(SC_INFO, show_info ? SC_DISPLAY : SC_DO_NOTHING);
  sc_report_handler::set_actions(SC_WARNING, level == "error" ? SC_DO_NOTHING : SC_DISPLAY);
  // errors are shown and counted (exit code 1) but do not stop the run
  sc_report_handler::set_actions(SC_ERROR, SC_DISPLAY | SC_CACHE_REPORT);
  sc_report_handler::set_actions(SC_FATAL, SC_DISPLAY | SC_CACHE_REPORT | SC_THROW);
}

/// Fails early (bad input, nothing written) when `path` cannot be an output file.
bool check_output(const std::string& option, const std::string& path) {
  const std::string problem = output_path_problem(path);
  if (!problem.empty()) {
    error("--" + option + ": cannot write '" + shown(path) + "': " + problem);
    return false;
  }
  return true;
}

}  // namespace

int run_cli(int argc, char* argv[]) {
  if (argc > 1 && std::strcmp(argv[1], "sweep") == 0) return run_sweep(argc - 1, argv + 1);
  if (argc > 1 && std::strcmp(argv[1], "plot") == 0) {
    // `cimvp plot ARGS`: the plotting script (scripts/plot, a Python program), found beside
    // this executable as cimvp-plot (copied there by the build, installed in bin/)
    std::error_code ec;
    const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::filesystem::path plot = ec ? std::filesystem::path() : self.parent_path() / "cimvp-plot";
    if (plot.empty() || !std::filesystem::is_regular_file(plot, ec)) {
      error("plot: no cimvp-plot beside this program (" + (plot.empty() ? std::string("?") : plot.string()) +
            "); run scripts/plot DIR from the source tree (docs/sweeps.md)");
      return exit_bad_input;
    }
    std::vector<char*> args{const_cast<char*>(plot.c_str())};
    for (int i = 2; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    std::cout.flush();
    ::execv(plot.c_str(), args.data());
    error("plot: cannot run " + plot.string() + ": " + std::strerror(errno));
    return exit_bad_input;
  }
  if (argc > 1 && argv[1][0] != '-') {
    error("unknown command '" + shown(argv[1]) + "'; commands: sweep (cimvp sweep SWEEP.yaml), plot (cimvp plot DIR); "
          "otherwise options only, see cimvp --help");
    return exit_bad_input;
  }
  const po::options_description desc = make_options();
  po::variables_map vm;
  try {
    const auto style = po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    const po::positional_options_description no_positionals;
    po::store(po::command_line_parser(argc, argv).options(desc).positional(no_positionals).style(style).run(), vm);
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    const std::string hint = suggest_option(desc, e.get_option_name());
    error("unrecognised option '" + shown(e.get_option_name()) + "'" +
          (hint.empty() ? "" : " (did you mean '--" + hint + "'?)") + "; see cimvp --help");
    return exit_bad_input;
  } catch (const po::error& e) {
    error(std::string(e.what()) + "; see cimvp --help");
    return exit_bad_input;
  }

  if (vm.count("help")) {
    print_help(desc);
    return exit_ok;
  }
  if (vm.count("version")) {
    std::cout << "cimvp " << version() << " (SystemC " << SC_VERSION << ")\n";
    return exit_ok;
  }
  if (vm.count("list-platforms")) return list_platforms();
  if (vm.count("list-keys")) return list_keys();

  const std::string level = vm["log-level"].as<std::string>();
  if (std::find(std::begin(log_levels), std::end(log_levels), level) == std::end(log_levels)) {
    error("--log-level: expected one of: error, warning, info, debug, got \"" + level + "\"");
    return exit_bad_input;
  }

  // configuration: platform → --set → --quantum; then the job
  PlatformConfig config;
  TechParams tech;
  std::unique_ptr<Job> job;
  std::optional<double> min_accuracy;  // percent
  std::string linear_range_warning;     // shown once the report handler is set
  std::optional<std::pair<std::uint64_t, std::uint64_t>> vcd_window;  // picoseconds
  std::optional<std::pair<std::uint64_t, std::uint64_t>> vcd_images;  // [A, B)
  const ConfigSchema schema = platform_schema();
  nlohmann::ordered_json workload_echo;  // the resolved workload keys (config echo)
  try {
    const PlatformSource src = resolve_platform(vm.count("platform") ? vm["platform"].as<std::string>() : "default");
    std::vector<std::string> overrides;
    if (vm.count("set")) overrides = vm["set"].as<std::vector<std::string>>();
    if (vm.count("quantum")) {
      const std::string text = vm["quantum"].as<std::string>();
      const auto ns = parse_time_ns(text);
      if (!ns || *ns <= 0)
        throw ConfigError("--quantum", "", "expected a time > 0 such as 1us, \"500 ns\" or 2ms, got \"" + shown(text) + "\"");
      if (const std::string problem = time_problem(*ns); !problem.empty())
        throw ConfigError("--quantum", "", "\"" + shown(text) + "\" is " + problem);
      overrides.push_back("quantum_ns=" + format_number(*ns));
    }
    if (vm.count("images")) {
      // --images is short for --set workload.cim_inference.images=N: both at once would let
      // one of the two counts win unnoticed
      for (const std::string& o : overrides) {
        std::string k = o.substr(0, o.find('='));
        k.erase(0, k.find_first_not_of(" \t"));
        k.erase(k.find_last_not_of(" \t") + 1);
        if (k == "workload.cim_inference.images")
          throw ConfigError("--images", "", "given together with --set " + shown(o) +
                                                "; give the number of images once (--images N is that --set)");
      }
      overrides.push_back("workload.cim_inference.images=" + vm["images"].as<std::string>());
    }
    config = load_platform(src, overrides);
    tech = load_tech(config.tech);
    check_tech_for(config, tech);
    apply_tech_timing(config, tech);
    linear_range_warning = apply_linear_range(config, tech);
    const WorkloadConfig workload =
        load_workload(src, vm.count("workload") ? vm["workload"].as<std::string>() : std::string(), overrides);
    job = make_job(workload, config);
    workload_echo = workload_schema().to_json(workload);
    if ((vm.count("vcd-window") || vm.count("vcd-images")) && !vm.count("vcd"))
      throw ConfigError(vm.count("vcd-window") ? "--vcd-window" : "--vcd-images", "", "needs --vcd FILE");
    if (vm.count("vcd-window") && vm.count("vcd-images"))
      throw ConfigError("--vcd-window", "", "--vcd-window and --vcd-images exclude each other");
    if (vm.count("vcd-window")) {
      const std::string text = vm["vcd-window"].as<std::string>();
      const auto colon = text.find(':');
      const auto a = colon == std::string::npos ? std::nullopt : parse_time_ns(text.substr(0, colon));
      const auto b = colon == std::string::npos ? std::nullopt : parse_time_ns(text.substr(colon + 1));
      if (!a || !b || *a < 0 || *b <= *a)
        throw ConfigError("--vcd-window", "", "expected T0:T1, two times with T0 < T1 (e.g. 800us:1ms; a bare number is ns), got \"" +
                                                  shown(text) + "\"");
      for (const double t : {*a, *b})
        if (const std::string problem = time_problem(t); !problem.empty())
          throw ConfigError("--vcd-window", "", "\"" + shown(text) + "\": a time is " + problem);
      vcd_window = {static_cast<std::uint64_t>(std::llround(*a * 1e3)), static_cast<std::uint64_t>(std::llround(*b * 1e3))};
    }
    if (vm.count("vcd-images")) {
      const std::string text = vm["vcd-images"].as<std::string>();
      std::uint64_t a = 0, b = 0;
      if (const std::string problem = parse_index_range(text, a, b); !problem.empty())
        throw ConfigError("--vcd-images", "", "expected A:B, image indices with A < B (e.g. 0:1 for the first image): " + problem + ", got \"" +
                                                  shown(text) + "\"");
      if (!has_cim(config))
        throw ConfigError("--vcd-images", "", "the platform maps no CIM macro (no 'cim' target in its address_map)");
      if (!job->classifies())
        throw ConfigError("--vcd-images", "", "needs the cim_inference job (this run's job is " + job->name() + ")");
      vcd_images = {a, b};
    }
    if (vm.count("vcd-column")) {
      if (!vm.count("vcd")) throw ConfigError("--vcd-column", "", "needs --vcd FILE");
      const std::string text = vm["vcd-column"].as<std::string>();
      const auto colon = text.find(':');
      const auto number = [](const std::string& t, unsigned& v) {
        if (t.empty() || t.size() > 9 || t.find_first_not_of("0123456789") != std::string::npos) return false;
        v = static_cast<unsigned>(std::stoul(t));
        return true;
      };
      unsigned l = 0, c = 0;
      if (colon == std::string::npos || !number(text.substr(0, colon), l) || !number(text.substr(colon + 1), c))
        throw ConfigError("--vcd-column", "", "expected LAYER:COLUMN, two indices counted from 0 (e.g. 0:5), got \"" +
                                                  shown(text) + "\"");
      if (!has_cim(config))
        throw ConfigError("--vcd-column", "", "the platform maps no CIM macro (no 'cim' target in its address_map)");
      const auto* inference = dynamic_cast<const CimInference*>(job.get());
      if (inference == nullptr)
        throw ConfigError("--vcd-column", "", "needs the cim_inference job (this run's job is " + job->name() + ")");
      const BnnNetwork& net = inference->network();
      if (l >= net.layers.size())
        throw ConfigError("--vcd-column", "", "layer " + std::to_string(l) + " out of range: the network has " +
                                                  std::to_string(net.layers.size()) + " layers (0.." +
                                                  std::to_string(net.layers.size() - 1) + ")");
      if (net.layers[l].is_conv())
        throw ConfigError("--vcd-column", "", "layer " + std::to_string(l) + " is a conv layer; only dense layers are traced");
      if (c >= net.layers[l].outputs)
        throw ConfigError("--vcd-column", "", "column " + std::to_string(c) + " out of range: layer " + std::to_string(l) +
                                                  " has " + std::to_string(net.layers[l].outputs) + " outputs (0.." +
                                                  std::to_string(net.layers[l].outputs - 1) + ")");
      config.cim.trace_column = {true, l, c};
    }
    if (vm.count("min-accuracy")) {
      const std::string text = vm["min-accuracy"].as<std::string>();
      char* end = nullptr;
      const double v = std::strtod(text.c_str(), &end);
      if (text.empty() || end == nullptr || *end != '\0' || !(v >= 0.0 && v <= 100.0))
        throw ConfigError("--min-accuracy", "", "expected a percentage 0..100, got \"" + shown(text) + "\"");
      if (!job->classifies())
        throw ConfigError("--min-accuracy", "", "the job " + job->name() + " does not classify images");
      min_accuracy = v;
    }
  } catch (const ConfigError& e) {
    error(e.what());
    return exit_bad_input;
  } catch (const std::bad_alloc& e) {
    out_of_memory("loading the configuration and the workload", &e);
    return exit_bad_input;
  }
  // every output is checked before any is written; each is written to a temporary and
  // renamed onto its path at the end (output_file.h), so an error leaves no partial output
  for (const char* option : {"report", "vcd", "report-csv"})
    if (vm.count(option) && !check_output(option, vm[option].as<std::string>())) return exit_bad_input;
  std::vector<std::string> csv_paths;  // --report-csv FILE.csv and its sidecars (report_csv.h)
  if (vm.count("report-csv")) csv_paths = report_csv_paths(vm["report-csv"].as<std::string>());
  for (std::size_t i = 1; i < csv_paths.size(); ++i)
    if (!check_output("report-csv", csv_paths[i])) return exit_bad_input;
  {
    // the GTKWave files written beside the VCD get the same checks, and no two outputs may
    // share a path (one would silently replace the other)
    std::vector<std::pair<std::string, std::string>> outputs;  // (what, path)
    for (const char* option : {"report", "vcd", "report-csv"})
      if (vm.count(option)) outputs.emplace_back(std::string("--") + option, vm[option].as<std::string>());
    for (std::size_t i = 1; i < csv_paths.size(); ++i) outputs.emplace_back("--report-csv's sidecar", csv_paths[i]);
    if (vm.count("vcd")) {
      const std::string v = vm["vcd"].as<std::string>();
      for (const std::string& extra : gtkwave_files(v)) {
        if (!check_output("vcd", extra)) return exit_bad_input;
        outputs.emplace_back("--vcd's GTKWave file", extra);
      }
    }
    for (std::size_t i = 0; i < outputs.size(); ++i)
      for (std::size_t j = i + 1; j < outputs.size(); ++j)
        if (std::filesystem::absolute(outputs[i].second).lexically_normal() ==
            std::filesystem::absolute(outputs[j].second).lexically_normal()) {
          error(outputs[i].first + " and " + outputs[j].first + " name the same file '" + shown(outputs[i].second) +
                "'; give each output its own path");
          return exit_bad_input;
        }
  }
  std::optional<OutputFile> report_out;
  std::vector<std::unique_ptr<OutputFile>> csv_out;  // csv_paths order
  std::optional<VcdFile> vcd;  // outlives the platform: renamed with the other outputs at the end
  try {
    if (vm.count("report")) report_out.emplace(vm["report"].as<std::string>());
    for (const std::string& p : csv_paths) csv_out.push_back(std::make_unique<OutputFile>(p));
  } catch (const std::exception& e) {
    error(e.what());
    return exit_bad_input;
  }

  if (vm.count("show-config")) {
    nlohmann::ordered_json echo = schema.to_json(config);
    echo["workload"] = workload_echo;
    const auto keys = flatten_config(echo);
    std::cout << "configuration (" << keys.size() << " keys, after the platform chain, --workload and --set):\n";
    for (const auto& [k, v] : keys) std::cout << "  " << k << " = " << v << '\n';
    std::cout << '\n' << std::flush;
  }
  configure_reports(level);
  if (!linear_range_warning.empty()) SC_REPORT_WARNING("cimvp/linear_range", linear_range_warning.c_str());
  RunReport report;
  bool ran_ok = false;
  try {
    Platform top("top", config);
    top.run_job(*job);
    // the trace is closed before the platform goes, also when the run throws
    struct FinishTrace {
      std::optional<VcdFile>& v;
      ~FinishTrace() {
        if (v) v->finish();
      }
    } finish_trace{vcd};
    if (vm.count("vcd")) {
      vcd.emplace(vm["vcd"].as<std::string>());
      top.trace(vcd->get());
    }
    const auto t0 = std::chrono::steady_clock::now();
    sc_core::sc_start();
    const auto t1 = std::chrono::steady_clock::now();
    if (vcd) {
      vcd->finish();
      if (vcd_images) {
        // the compute steps of the tiles holding images A..B-1
        std::optional<std::pair<sc_core::sc_time, sc_core::sc_time>> span;
        for (const auto& t : top.cim->tile_times())
          if (t.first_vector < vcd_images->second && t.first_vector + t.vectors > vcd_images->first)
            span = span ? std::make_pair(span->first, t.end) : std::make_pair(t.start, t.end);
        if (!span)
          throw ConfigError("--vcd-images", "",
                            "the macro computed no image in " + std::to_string(vcd_images->first) + ":" +
                                std::to_string(vcd_images->second) + " (it computed " +
                                std::to_string(top.cim->tile_times().empty() ? 0
                                                                             : top.cim->tile_times().back().first_vector +
                                                                                   top.cim->tile_times().back().vectors) +
                                " images)");
        vcd_window = {static_cast<std::uint64_t>(span->first.value() / sc_core::sc_time(1, sc_core::SC_PS).value()),
                      static_cast<std::uint64_t>(span->second.value() / sc_core::sc_time(1, sc_core::SC_PS).value())};
      }
      if (vcd_window) {
        const auto end_ps = static_cast<std::uint64_t>(sc_core::sc_time_stamp().value() /
                                                       sc_core::sc_time(1, sc_core::SC_PS).value());
        if (vcd_window->first > end_ps)
          std::cerr << "cimvp: warning: --vcd-window starts after the run ended (" << format_time_ns(end_ps / 1e3)
                    << "): the VCD holds the values at the end only\n";
        vcd->cut_window(vcd_window->first, vcd_window->second);
      }
    }

    report.platform = config.name;
    report.config = schema.to_json(config);
    report.config["workload"] = workload_echo;
    report.seed = config.seed;
    report.simulated_time_ns = sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_NS);
    report.wall_time_s = std::chrono::duration<double>(t1 - t0).count();
    report.modules = collect_counters();
    report.job_name = job->name();
    report.job_summary = job->summary();
    report.job_verdict = job->verdict();
    report.job = job->results();
    report.ppa = make_ppa_report(tech, config.tech, collect_ledgers(tech), report.simulated_time_ns,
                                 work_from_job(report.job), config.power_gating);
    report.ppa->phases = phases_from_job(report.job);
    ran_ok = top.host.finished() && !top.host.failed() && job->passed() &&
             sc_core::sc_report_handler::get_count(sc_core::SC_ERROR) == 0 &&
             sc_core::sc_report_handler::get_count(sc_core::SC_FATAL) == 0;
    if (!top.host.finished() && !top.host.failed()) report.job_summary += " (the host program did not finish)";
    report.passed = ran_ok;
    if (top.host.out_of_memory()) {
      out_of_memory("running the job");
      return exit_bad_input;
    }
  } catch (const ConfigError& e) {
    error(e.what());
    return exit_bad_input;
  } catch (const std::bad_alloc& e) {
    out_of_memory("building or running the platform", &e);
    return exit_bad_input;
  } catch (const std::invalid_argument& e) {
    error(std::string("elaboration failed: ") + e.what());
    return exit_bad_input;
  } catch (const sc_core::sc_report& r) {
    // an exception that left a SystemC process arrives as a report naming its type
    if (std::strstr(r.what(), "bad_alloc") != nullptr) {
      out_of_memory("running the simulation");
      return exit_bad_input;
    }
    error(std::string("simulation aborted: ") + r.what());
    return exit_simulation_failed;
  } catch (const std::exception& e) {
    error(std::string("simulation aborted: ") + e.what());
    return exit_simulation_failed;
  }

  std::cout << console_summary(report) << std::flush;
  try {
    if (report_out) write_report(report_out->temp_path(), report);
    if (!csv_out.empty()) {
      const std::vector<std::string> texts = report_csv_texts(report);
      for (std::size_t i = 0; i < csv_out.size(); ++i) write_csv_file(csv_out[i]->temp_path(), texts[i]);
    }
    // all written: check every path again, then rename all
    std::vector<const OutputFile*> outs;
    if (report_out) outs.push_back(&*report_out);
    for (const auto& o : csv_out) outs.push_back(o.get());
    for (const OutputFile* o : outs)
      if (const std::string problem = output_path_problem(o->path()); !problem.empty())
        throw std::runtime_error("cannot write '" + o->path() + "': " + problem);
    if (vcd) {
      vcd->commit();
      write_gtkwave_save(vm["vcd"].as<std::string>(), has_cim(config), config.cim.trace_column.enabled);
    }
    if (report_out) report_out->commit();
    for (const auto& o : csv_out) o->commit();
  } catch (const std::exception& e) {
    error(e.what());
    return exit_simulation_failed;
  }
  if (!ran_ok) {
    error("simulation failed: " + report.job_summary);
    return exit_simulation_failed;
  }
  if (min_accuracy && 100.0 * job->accuracy_fraction() < *min_accuracy) {
    char text[160];
    std::snprintf(text, sizeof text, "hardware accuracy %.2f %% is below --min-accuracy %g %%", 100.0 * job->accuracy_fraction(),
                  *min_accuracy);
    error(text);
    return exit_simulation_failed;
  }
  return exit_ok;
}

}  // namespace cimvp
