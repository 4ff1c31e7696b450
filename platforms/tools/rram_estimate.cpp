// cimvp-rram-estimate: per-layer resources (Table II) and the CNN-vs-BCNN energy per image
// and area of an RRAM crossbar accelerator (Tang et al., ASP-DAC 2017) for the seed's
// LeNet/MNIST and AlexNet/ImageNet networks, beside the published figures (docs/rram.md).
//
//   cimvp-rram-estimate [--network lenet|alexnet|all] [--crossbar N | --rows R --cols C]
//                       [--cell 1t1r|0t1r] [--scheme differential|reference]
//                       [--cnn-cell-bits B] [--bcnn-adc-bits B] [--columns-per-converter N]
//                       [--shared-row-dacs] [--tech NAME|FILE]
//                       [--layers | --summary] [--help]
//
// Exit codes: 0 ok; 2 bad input (options, technology file).
#include "cimvp/circuit/rram_ppa.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/platform/units.h"
#include "cimvp/workloads/rram_networks.h"

#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace cimvp;

int usage(std::ostream& os, int code) {
  os << "usage: cimvp-rram-estimate [options]\n"
        "  Per-layer resources (Table II) and CNN-vs-BCNN energy per image and area of an RRAM\n"
        "  crossbar accelerator (Tang et al., ASP-DAC 2017), beside the published figures.\n"
        "options:\n"
        "  --network lenet|alexnet|all   networks to estimate (default all)\n"
        "  --crossbar N                  crossbar of N rows x N columns (default 128)\n"
        "  --rows R --cols C             crossbar rows and physical columns\n"
        "  --cell 1t1r|0t1r              RRAM device (default 1t1r)\n"
        "  --scheme differential|reference  signed weights on cell pairs or a reference column\n"
        "                                (default differential)\n"
        "  --cnn-cell-bits B             bits per cell in CNN mode, 1..7 (default 7: 8-bit weights\n"
        "                                = sign + 7-bit magnitude on one cell pair)\n"
        "  --bcnn-adc-bits B             widest partial-sum ADC in BCNN mode, 1..8 (default 8: every\n"
        "                                128-row block sum exact; 4: Table III's 4-bit ADC, quantized)\n"
        "  --columns-per-converter N     SA/ADCs time-multiplexed over N columns of a crossbar, 0 = all\n"
        "                                (one per crossbar); default 1 (Table II)\n"
        "  --shared-row-dacs             one DAC per row drives all column blocks (K DACs, not K x X_out)\n"
        "  --tech NAME|FILE              technology (default rram: platforms/tech/rram.yaml)\n"
        "  --layers                      print the per-layer tables (default: on)\n"
        "  --summary                     print only the comparison table\n"
        "  -h, --help                    this help\n";
  return code;
}

unsigned parse_unsigned(const std::string& opt, const std::string& v, unsigned lo, unsigned hi) {
  char* end = nullptr;
  const unsigned long x = std::strtoul(v.c_str(), &end, 10);
  if (v.empty() || *end != '\0' || v[0] == '-' || x < lo || x > hi)
    throw std::invalid_argument(opt + " '" + shown(v) + "': expected an integer in " + std::to_string(lo) + " .. " +
                                std::to_string(hi));
  return static_cast<unsigned>(x);
}

std::string fmt(double v, int prec = 4) {
  std::ostringstream os;
  os << std::setprecision(prec) << v;
  return os.str();
}

std::string pct(double v) {
  std::ostringstream os;
  os << std::fixed << std::setprecision(1) << (v >= 0 ? "+" : "") << 100.0 * v << " %";
  return os.str();
}

std::string sense_name(const RramLayerPpa& l) {
  if (!l.has_matrix) return "-";
  if (l.split.sense_amp) return "SA";
  return std::to_string(l.split.sense_bits) + "b ADC" + (l.split.exact ? "" : " (quantized)");
}

void print_layers(std::ostream& os, const std::string& title, const RramNetworkPpa& r, const RramPpaConfig& cfg) {
  os << "\n### " << title << " (" << to_string(cfg.mode) << " mode)\n\n"
     << "| layer | K x M | S | X_in | X_out | cells (mapped) | cells (Table II) | cells (allocated) | "
        "row drivers | SA/ADC | converters | FM buffer (bits) | line buffer (bits) | processing | "
        "energy (nJ) | area (mm^2) |\n"
     << "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& l : r.layers) {
    os << "| " << l.name << " | ";
    if (l.has_matrix) {
      os << l.split.k << " x " << l.split.m << " | " << l.split.slices << " | " << l.split.row_blocks << " | "
         << l.split.col_blocks << " | " << l.cells << " | " << l.table.rram_cells.amount << " | " << l.cells_allocated
         << " | " << l.drivers << " x " << l.input_bits << "b | " << sense_name(l) << " | " << l.converters << " | ";
    } else {
      os << "pool | - | - | - | - | - | - | - | - | - | ";
    }
    os << l.fm_buffer_bits << " | " << l.line_buffer_bits << " | " << l.processing << " | "
       << fmt(l.energy_pj.total() / 1e3) << " | " << fmt(l.area_um2.total() / 1e6) << " |\n";
  }
  const auto sum = [&](auto f) {
    double s = 0;
    for (const auto& l : r.layers) s += f(l);
    return s;
  };
  os << "\nEnergy per image by element (uJ): cells " << fmt(sum([](auto& l) { return l.energy_pj.cells; }) / 1e6)
     << ", row drivers " << fmt(sum([](auto& l) { return l.energy_pj.drivers; }) / 1e6) << ", SA/ADC "
     << fmt(sum([](auto& l) { return l.energy_pj.converters; }) / 1e6) << ", adders "
     << fmt(sum([](auto& l) { return l.energy_pj.adders; }) / 1e6) << ", buffers "
     << fmt(sum([](auto& l) { return l.energy_pj.buffers; }) / 1e6) << "; total " << fmt(r.energy_pj / 1e6)
     << " uJ.\nArea by element (mm^2): cells " << fmt(sum([](auto& l) { return l.area_um2.cells; }) / 1e6)
     << ", row drivers " << fmt(sum([](auto& l) { return l.area_um2.drivers; }) / 1e6) << ", SA/ADC "
     << fmt(sum([](auto& l) { return l.area_um2.converters; }) / 1e6) << ", adders "
     << fmt(sum([](auto& l) { return l.area_um2.adders; }) / 1e6) << ", buffers "
     << fmt(sum([](auto& l) { return l.area_um2.buffers; }) / 1e6) << "; total " << fmt(r.area_um2 / 1e6)
     << " mm^2.  Crossbar time, not pipelined: " << fmt(r.time_ns / 1e3) << " us.\n";
}

struct Published {
  double e_cnn, e_bcnn, a_cnn, a_bcnn, s_e, s_a;
};

}  // namespace

int rram_estimate_main(int argc, char* argv[]) {
  std::string network = "all", tech_spec = "rram";
  unsigned rows = 128, cols = 128, cnn_cell_bits = 7, bcnn_adc_bits = 8, columns_per_converter = 1;
  bool shared_row_dacs = false;
  CellKind cell = CellKind::rram_1t1r;
  RramWeightScheme scheme = RramWeightScheme::differential_pair;
  bool layers = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(a + " needs a value");
      return argv[++i];
    };
    try {
      if (a == "--network") {
        network = value();
        if (network != "lenet" && network != "alexnet" && network != "all")
          throw std::invalid_argument("--network '" + network + "': expected lenet|alexnet|all");
      } else if (a == "--crossbar") {
        rows = cols = parse_unsigned(a, value(), 2, 65536);
      } else if (a == "--rows") {
        rows = parse_unsigned(a, value(), 1, 65536);
      } else if (a == "--cols") {
        cols = parse_unsigned(a, value(), 2, 65536);
      } else if (a == "--cell") {
        const std::string v = value();
        if (v == "1t1r")
          cell = CellKind::rram_1t1r;
        else if (v == "0t1r")
          cell = CellKind::rram_0t1r;
        else
          throw std::invalid_argument("--cell '" + shown(v) + "': expected 1t1r|0t1r");
      } else if (a == "--scheme") {
        scheme = parse_rram_weight_scheme(value());
      } else if (a == "--cnn-cell-bits") {
        cnn_cell_bits = parse_unsigned(a, value(), 1, 7);
      } else if (a == "--bcnn-adc-bits") {
        bcnn_adc_bits = parse_unsigned(a, value(), 1, 8);
      } else if (a == "--columns-per-converter") {
        columns_per_converter = parse_unsigned(a, value(), 0, 4096);
      } else if (a == "--shared-row-dacs") {
        shared_row_dacs = true;
      } else if (a == "--tech") {
        tech_spec = value();
      } else if (a == "--layers") {
        layers = true;
      } else if (a == "--summary") {
        layers = false;
      } else if (a == "--help" || a == "-h") {
        return usage(std::cout, 0);
      } else {
        throw std::invalid_argument("unknown option '" + a + "'");
      }
    } catch (const std::invalid_argument& e) {
      std::cerr << "cimvp-rram-estimate: error: " << e.what() << '\n';
      return usage(std::cerr, 2);
    }
  }

  try {
    const TechParams tech = load_tech(tech_spec);
    RramPpaConfig cnn = RramPpaConfig::cnn(), bcnn = RramPpaConfig::bcnn();
    for (RramPpaConfig* c : {&cnn, &bcnn}) {
      c->xbar_rows = rows;
      c->xbar_cols = cols;
      c->cell = cell;
      c->scheme = scheme;
      c->columns_per_converter = columns_per_converter;
      c->shared_row_dacs = shared_row_dacs;
    }
    cnn.cell_bits = cnn_cell_bits;
    bcnn.max_adc_bits = bcnn_adc_bits;

    std::cout << "# RRAM crossbar accelerator: CNN vs BCNN (Tang et al., ASP-DAC 2017)\n\n"
              << "Crossbar " << rows << " x " << cols << " (physical columns), " << to_string(cell) << " cells, "
              << to_string(scheme) << " weights, technology '" << tech.node << "' (" << tech.description << ").\n"
              << "CNN: 8-bit weights (" << weight_slices(7, cnn_cell_bits) << " slice(s) of " << cnn_cell_bits
              << "-bit cells), 8-bit activations, 8-bit DACs and ADCs.  BCNN: binary weights and activations, "
                 "8-bit DACs for the first layer's pixels, 1-bit drivers elsewhere, SA or partial-sum ADC of at most "
              << bcnn_adc_bits << " bits.\n"
              << "One crossbar operation = " << fmt(tech.power_period_ns > 0 ? tech.power_period_ns : tech.clock_period_ns)
              << " ns for every element (energy = Table III power x this period); one transistor = "
              << fmt(tech.transistor_area_um2) << " um^2.\n"
              << "Converters: " << (columns_per_converter == 0 ? std::string("one SA/ADC per crossbar")
                                    : columns_per_converter == 1 ? std::string("one SA/ADC per slice column (Table II)")
                                    : "one SA/ADC per " + std::to_string(columns_per_converter) + " columns")
              << ", " << (shared_row_dacs ? "one DAC per row shared by the column blocks" : "one DAC per row and column block (Table II)")
              << ".\n";
    if (network != "lenet")
      std::cout << "ImageNet-shaped inputs are synthetic: the estimate uses the AlexNet layer shapes only "
                   "(no ImageNet data).\n";

    struct Net {
      const char* key;
      const char* title;
      std::vector<RramNetLayer> layers;
      Published pub;
    };
    std::vector<Net> nets;
    if (network != "alexnet")
      nets.push_back({"lenet", "LeNet on MNIST", rram_lenet_mnist(), {18.39, 13.55, 0.054, 0.060, 0.263, -0.111}});
    if (network != "lenet")
      nets.push_back({"alexnet", "AlexNet on ImageNet (synthetic input)", rram_alexnet_imagenet(),
                      {5444.85, 2275.34, 21.25, 9.19, 0.582, 0.568}});

    std::ostringstream table;
    table << "\n## Comparison with the published table\n\n"
          << "| network | quantity | CNN | BCNN | saving | published CNN | published BCNN | published saving | "
             "CNN error | BCNN error | saving difference |\n"
          << "|---|---|---|---|---|---|---|---|---|---|---|\n";
    for (const Net& n : nets) {
      const RramNetworkPpa c = estimate_rram_network(tech, n.layers, cnn);
      const RramNetworkPpa b = estimate_rram_network(tech, n.layers, bcnn);
      if (layers) {
        print_layers(std::cout, n.title, c, cnn);
        print_layers(std::cout, n.title, b, bcnn);
      }
      const double ec = c.energy_pj / 1e6, eb = b.energy_pj / 1e6, ac = c.area_um2 / 1e6, ab = b.area_um2 / 1e6;
      const double se = rram_saving(ec, eb), sa = rram_saving(ac, ab);
      table << "| " << n.title << " | energy (uJ/image) | " << fmt(ec) << " | " << fmt(eb) << " | " << pct(se) << " | "
            << n.pub.e_cnn << " | " << n.pub.e_bcnn << " | " << pct(n.pub.s_e) << " | "
            << pct(ec / n.pub.e_cnn - 1) << " | " << pct(eb / n.pub.e_bcnn - 1) << " | "
            << fmt(100.0 * (se - n.pub.s_e), 3) << " points |\n";
      table << "| " << n.title << " | area (mm^2) | " << fmt(ac) << " | " << fmt(ab) << " | " << pct(sa) << " | "
            << n.pub.a_cnn << " | " << n.pub.a_bcnn << " | " << pct(n.pub.s_a) << " | " << pct(ac / n.pub.a_cnn - 1)
            << " | " << pct(ab / n.pub.a_bcnn - 1) << " | " << fmt(100.0 * (sa - n.pub.s_a), 3) << " points |\n";
    }
    std::cout << table.str();
  } catch (const std::exception& e) {
    std::cerr << "cimvp-rram-estimate: error: " << e.what() << '\n';
    return 2;
  }
  return 0;
}

// The platform library links SystemC, whose library defines main() calling sc_main(): this
// tool has its own main() and never starts the kernel; sc_main only satisfies the linker.
extern "C" int sc_main(int argc, char* argv[]) { return rram_estimate_main(argc, argv); }

int main(int argc, char* argv[]) { return rram_estimate_main(argc, argv); }
