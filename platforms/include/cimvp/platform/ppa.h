// Power, performance and area of a run (docs/ppa.md, "Reports").
//
//  * The `tech` key of a platform selects the technology: a built-in technology file
//    (platforms/tech/*.yaml, embedded in the executable: sram65, sram28, rram) or a path.
//  * After the simulation every cimvp::Priced module prices its own counters into a
//    PpaLedger (collect_ledgers); make_ppa_report adds leakage (module area × simulated
//    time), the per-module and per-layer breakdowns, the macro and platform totals and the
//    metrics (TOPS, TOPS/W, TOPS/mm², energy per image, FPS) from the work the job reports.
//  * ppa_json / ppa_console render it for `--report` and the console (with the component
//    and per-layer breakdown of ppa_breakdown.h); report_csv.h writes `--report-csv`.
#pragma once

#include "cimvp/circuit/ppa_tech.h"
#include "cimvp/platform/builtin_platforms.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/core/priced.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace cimvp {

// ---- technology selection ----------------------------------------------------------

/// The embedded technology files, sorted by name ("rram", "sram28", "sram65").
std::vector<BuiltinPlatform> builtin_techs();

/// A technology file's name in messages and its YAML text.
struct TechSource {
  std::string source;  ///< "sram65.yaml" (built-in) or the path as given
  std::string text;
  bool builtin = false;
};

/// `spec` is a path to a technology file that exists (it wins), or a built-in name with or
/// without ".yaml".  ConfigError "no technology file 'x' and no built-in technology of that
/// name (built-in: rram, sram28, sram65)" (plus a did-you-mean hint) when it is neither.
TechSource resolve_tech(const std::string& spec);
/// resolve_tech + parse_tech_file; ConfigError located in the technology file.
TechParams load_tech(const std::string& spec);

/// Registers the top-level `tech` key (default sram65) and a check that it resolves.
void add_tech_keys(ConfigSchema& schema);

/// ConfigError (key `tech`) when the platform's modules cannot be priced with `tech`: a CIM
/// macro whose cell (cim.array.cell) the technology does not define.
void check_tech_for(const PlatformConfig& config, const TechParams& tech);

/// With `tech_timing` set: the CIM macro's cim.clock_period_ns = the technology's
/// clock, cim.array.read_ns = array_read_latency_ns (precharge + word line + cell read) of the
/// cell of cim.array.cell, cim.sense.decision_ns = one comparator decision (mlsa: the MLSA
/// comparator; adc: the conversion latency of circuit::adc_conversion_cost divided by its
/// sequential decisions, adc_steps); for a two-way array (cell sram_8t_twoway) also
/// cim.two_way.transposed_read_ns (transposed_read_costs) and cim.two_way.row_write_ns
/// (array_cell_write_costs).  The digital stage times (cim.accumulate.*) stay as configured.
/// No-op otherwise.
void apply_tech_timing(PlatformConfig& config, const TechParams& tech);
/// Resolves the bit-line linear range (cim.array.linear_range_rows, stored in
/// cim.sense.linear_range): 0 takes the technology's linear_range_rows of the array's cell
/// (ppa_energy.h).  Returns a warning text when a sensing segment (cim.array.rows, or
/// group_rows in group access) has more rows than the range (sums beyond it saturate), else
/// "".  Row-by-row access senses single cells: never a warning.
std::string apply_linear_range(PlatformConfig& config, const TechParams& tech);

// ---- report --------------------------------------------------------------------------

/// The ledger of one Priced module plus its leakage over the run.
struct PpaModuleReport {
  std::string module;  ///< hierarchical name ("top.dma")
  PpaLedger ledger;
  double leakage_pj = 0.0;  ///< leakage_energy_pj(tech, ledger.area_um2(), simulated time)
  double dynamic_pj() const { return ledger.dynamic_pj(); }
  double energy_pj() const { return dynamic_pj() + leakage_pj; }
  double area_um2() const { return ledger.area_um2(); }
};

/// Energy and area of a set of modules.
struct PpaTotals {
  double dynamic_pj = 0.0, leakage_pj = 0.0, area_um2 = 0.0;
  double energy_pj() const { return dynamic_pj + leakage_pj; }
};

/// Work done by the job: ops = 2 · binary MACs (one multiply and one add per MAC).
struct PpaWork {
  double binary_macs = 0.0;
  double images = 0.0;
  double ops() const { return 2.0 * binary_macs; }
};
/// The job's work from Job::results(): "binary_macs" (total) or "binary_macs_per_image"
/// × "images"; std::nullopt when the job reports neither (e.g. the DMA self-test).
std::optional<PpaWork> work_from_job(const nlohmann::ordered_json& job);

/// Metrics of `ops` operations on `images` images costing `energy_pj` in `time_ns` on
/// `area_um2`.  Each is 0 when its denominator is 0.
struct PpaMetrics {
  double ops = 0.0, images = 0.0, time_ns = 0.0, energy_pj = 0.0, area_um2 = 0.0;
  double tops() const { return time_ns > 0 ? ops / time_ns * 1e-3 : 0.0; }  ///< ops/ns · 10⁻³
  double tops_per_w() const { return energy_pj > 0 ? ops / energy_pj : 0.0; }  ///< ops/pJ
  double tops_per_mm2() const { return area_um2 > 0 ? tops() / (area_um2 * 1e-6) : 0.0; }
  double energy_per_image_uj() const { return images > 0 ? energy_pj * 1e-6 / images : 0.0; }
  double fps() const { return time_ns > 0 ? images / (time_ns * 1e-9) : 0.0; }
};

/// One phase of a training job (job results "phases": {name: {latency_ns, macro_energy_pj,
/// platform_energy_pj, ops, ...}}, two_way_training.h): a "phase" row of the CSV report.
struct PpaPhaseRow {
  std::string name;
  double latency_ns = 0.0, macro_energy_pj = 0.0, platform_energy_pj = 0.0, ops = 0.0;
};
/// The job's phases (empty when its results have no "phases" object).
std::vector<PpaPhaseRow> phases_from_job(const nlohmann::ordered_json& job);

struct PpaReport {
  std::string tech;         ///< the `tech` key as configured
  std::string node;         ///< TechParams::node
  std::string description;  ///< TechParams::description
  double simulated_time_ns = 0.0;
  std::vector<PpaModuleReport> modules;  ///< hierarchy order
  std::vector<PpaLayerRow> layers;       ///< merged over modules, by layer index
  PpaTotals macro;     ///< modules of scope `macro`; leakage over macro_leakage_ns
  PpaTotals platform;  ///< every module; platform-scope leakage over the whole run, macro's as above
  PowerGating power_gating = PowerGating::none;  ///< cim.power_gating
  /// Time the macro-scope modules leak (PowerGating): the simulated time (none), the
  /// sub-array-weighted layer time (idle_subarrays) or macro_active_ns (macro).
  double macro_leakage_ns = 0.0;
  /// Time the macro computed: Σ layer latency when there are layer rows, else the largest
  /// active_ns of the macro modules.
  double macro_active_ns = 0.0;
  std::optional<PpaWork> work;
  /// The macro alone: energy = the macro total (dynamic + leakage over macro_leakage_ns, the
  /// one macro energy of the report), time = macro_active_ns, on the macro area.  Present
  /// with macro modules, work and time.
  std::optional<PpaMetrics> macro_metrics;
  /// The whole platform (DMA, DRAM, host included): platform energy over the simulated time,
  /// on the on-chip area.  Present with work and time.
  std::optional<PpaMetrics> platform_metrics;
  /// Training phases of the job (phases_from_job), CSV rows "phase,<name>,…".
  std::vector<PpaPhaseRow> phases;
};

/// Calls price() of every cimvp::Priced object in the SystemC hierarchy (top-level objects,
/// children depth-first, construction order), each with a fresh ledger.
std::vector<std::pair<std::string, PpaLedger>> collect_ledgers(const TechParams& tech);

/// Adds leakage, totals and metrics (see PpaReport).
PpaReport make_ppa_report(const TechParams& tech, const std::string& tech_spec,
                          std::vector<std::pair<std::string, PpaLedger>> ledgers, double simulated_time_ns,
                          const std::optional<PpaWork>& work, PowerGating gating = PowerGating::none);

/// The "ppa" object of the JSON report (docs/cli.md).
nlohmann::ordered_json ppa_json(const PpaReport& r);
/// The console block: per-module energy and area, totals, metrics.
std::string ppa_console(const PpaReport& r);
// The CSV files of --report-csv: report_csv.h; the component and per-layer breakdown:
// ppa_breakdown.h.

/// "12.5 pJ", "3.2 nJ", "1.25 uJ", "4 mJ" (3 significant digits).
std::string format_energy_pj(double pj);
/// "950 um2", "1.52 mm2".
std::string format_area_um2(double um2);

}  // namespace cimvp
