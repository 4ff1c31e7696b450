// cimvp-array-costs: per-event costs of one SRAM sub-array derived from the technology's
// geometry (array_geometry.h), over a list of row counts, as the markdown table of
// docs/ppa.md ("Array costs from geometry").
//
//   cimvp-array-costs [--tech NAME|FILE] [--cell KIND] [--cols C] [--rows R1,R2,...]
//
// Defaults: --tech sram65 --cell sram_6t --cols 64 --rows 16,32,64,128,256,512,1024.
// Exit codes: 0 ok; 2 bad input (option, technology, a cell without a geometry).
#include "cimvp/circuit/array_geometry.h"
#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/platform/config_schema.h"
#include "cimvp/platform/units.h"
#include "cimvp/platform/ppa.h"

#include <cstdio>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace cimvp;

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::vector<unsigned> parse_rows(const std::string& text) {
  std::vector<unsigned> rows;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    std::size_t used = 0;
    unsigned long v = 0;
    try {
      v = std::stoul(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() || v < 1 || v > 1024)
      throw std::invalid_argument("--rows: expected a comma-separated list of integers in 1..1024, got '" + item + "'");
    rows.push_back(static_cast<unsigned>(v));
  }
  if (rows.empty()) throw std::invalid_argument("--rows: expected at least one row count");
  return rows;
}

int usage(std::ostream& os, int code) {
  os << "Usage: cimvp-array-costs [--tech NAME|FILE] [--cell KIND] [--cols C] [--rows R1,R2,...]\n"
        "Prints the geometry-derived read and write costs of one R x C sub-array per row count\n"
        "(defaults: sram65, sram_6t, 64 columns, rows 16..1024).\n";
  return code;
}

int array_costs_main(int argc, char* argv[]) {
  std::string tech_spec = "sram65", cell_name = "sram_6t";
  unsigned cols = 64;
  std::vector<unsigned> rows = {16, 32, 64, 128, 256, 512, 1024};
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string a = argv[i];
      auto value = [&]() -> std::string {
        if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
        return argv[++i];
      };
      if (a == "--tech") {
        tech_spec = value();
      } else if (a == "--cell") {
        cell_name = value();
      } else if (a == "--cols") {
        const std::string v = value();
        std::size_t used = 0;
        unsigned long c = 0;
        try {
          c = std::stoul(v, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != v.size() || c < 1 || c > 4096)
          throw std::invalid_argument("--cols: expected an integer in 1..4096, got '" + shown(v) + "'");
        cols = static_cast<unsigned>(c);
      } else if (a == "--rows") {
        rows = parse_rows(value());
      } else if (a == "--help" || a == "-h") {
        return usage(std::cout, 0);
      } else {
        throw std::invalid_argument("unknown option '" + a + "'");
      }
    }
  } catch (const std::invalid_argument& e) {
    std::cerr << "cimvp-array-costs: error: " << e.what() << '\n';
    return usage(std::cerr, 2);
  }
  TechParams tech;
  try {
    tech = load_tech(tech_spec);
  } catch (const ConfigError& e) {
    std::cerr << "cimvp-array-costs: error: " << e.what() << '\n';
    return 2;
  }
  const auto kind = parse_cell_kind(cell_name);
  if (!kind || !tech.has(*kind) || !tech.bitcell(*kind).geometry.present) {
    std::cerr << "cimvp-array-costs: error: --cell: technology '" << tech.node << "' has no geometry for cell '"
              << cell_name << "'\n";
    return 2;
  }
  const ArrayGeometry& g = tech.bitcell(*kind).geometry;
  std::cout << "| rows R | C_BL (fF) | precharge (fJ/column) | cell (fJ/event) | word line (fJ, C = " << cols
            << ") | read time (ns) | row-by-row read (ns) | row write (pJ) |\n"
            << "|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (unsigned r : rows) {
    const ParallelReadCost p = parallel_read_cost(g, tech.supply_v, r, cols);
    const RowReadCost rr = row_read_cost(g, tech.supply_v, r, cols);
    const RowWriteCost w = row_write_cost(g, tech.supply_v, r, cols);
    std::cout << "| " << r << " | " << fixed(bitline_cap_ff(g, r), 1) << " | " << fixed(p.precharge_fj, 2) << " | "
              << fixed(p.cell_fj, 2) << " | " << fixed(p.wordline_fj, 2) << " | " << fixed(p.latency_ns(), 3) << " | "
              << fixed(rr.latency_ns(), 3) << " | " << fixed(w.energy_fj * 1e-3, 3) << " |\n";
  }
  std::cout << "\n(" << tech.node << ", " << cell_name << ", V_DD " << tech.supply_v
            << " V; read time = precharge + word-line pulse; the MLSA decision is not included)\n";
  return 0;
}

}  // namespace

// The platform library links SystemC, whose library defines main() calling sc_main(): this
// tool has its own main() and never starts the kernel; sc_main only satisfies the linker.
extern "C" int sc_main(int argc, char* argv[]) { return array_costs_main(argc, argv); }

int main(int argc, char* argv[]) { return array_costs_main(argc, argv); }
