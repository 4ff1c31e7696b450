#include "cimvp/circuit/rram_ppa.h"

#include "cimvp/circuit/ppa_energy.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace cimvp {

namespace {

[[noreturn]] void bad(const char* field, long long value, const char* allowed) {
  std::ostringstream os;
  os << "RramPpaConfig." << field << " = " << value << ": expected " << allowed;
  throw std::invalid_argument(os.str());
}

unsigned u32(std::size_t v) { return static_cast<unsigned>(v); }

}  // namespace

const char* to_string(RramPpaMode m) { return m == RramPpaMode::cnn ? "cnn" : "bcnn"; }

RramPpaConfig RramPpaConfig::cnn() {
  RramPpaConfig c;
  c.mode = RramPpaMode::cnn;
  c.weight_bits = 8;
  c.cell_bits = 7;
  c.activation_bits = 8;
  return c;
}

RramPpaConfig RramPpaConfig::bcnn() { return RramPpaConfig{}; }

void RramPpaConfig::validate() const {
  if (mode != RramPpaMode::cnn && mode != RramPpaMode::bcnn) bad("mode", static_cast<long long>(mode), "cnn|bcnn");
  if (cell != CellKind::rram_1t1r && cell != CellKind::rram_0t1r)
    bad("cell", static_cast<long long>(cell), "rram_1t1r|rram_0t1r");
  if (activation_bits < 1 || activation_bits > 16) bad("activation_bits", activation_bits, "1 .. 16");
  if (first_input_bits < 1 || first_input_bits > 16) bad("first_input_bits", first_input_bits, "1 .. 16");
  if (columns_per_converter > 4096)
    bad("columns_per_converter", columns_per_converter, "0 (all columns of a crossbar) .. 4096");
  SplitConfig s;
  s.xbar_rows = xbar_rows;
  s.xbar_cols = xbar_cols;
  s.weight_bits = weight_bits;
  s.cell_bits = cell_bits;
  s.scheme = scheme;
  s.max_adc_bits = max_adc_bits;
  s.validate();
}

double rram_saving(double a, double b) {
  if (!(a > 0.0)) throw std::invalid_argument("rram_saving: the reference value must be > 0");
  return 1.0 - b / a;
}

RramNetworkPpa estimate_rram_network(const TechParams& t, const std::vector<RramNetLayer>& net,
                                     const RramPpaConfig& cfg) {
  cfg.validate();
  if (!t.has(cfg.cell))
    throw std::invalid_argument(std::string("technology '") + t.node + "' has no cell '" + to_string(cfg.cell) + "'");
  const BitcellTech& cell = t.bitcell(cfg.cell);
  const double period_ns = t.power_period_ns > 0.0 ? t.power_period_ns : t.clock_period_ns;

  std::size_t last_matrix = net.size();
  for (std::size_t i = 0; i < net.size(); ++i)
    if (net[i].kind != LayerKind::pool) last_matrix = i;

  RramNetworkPpa out;
  bool first_matrix = true;
  for (std::size_t i = 0; i < net.size(); ++i) {
    const RramNetLayer& l = net[i];
    RramLayerPpa p;
    p.name = l.name.empty() ? "layer " + std::to_string(i) : l.name;
    p.kind = l.kind;
    const unsigned in_bits = first_matrix ? cfg.first_input_bits : cfg.activation_bits;
    p.input_bits = in_bits;
    try {
      if (l.kind == LayerKind::pool) {
        const RramPoolShape& s = l.pool;
        if (s.in_h == 0 || s.in_w == 0 || s.in_c == 0 || s.window == 0 || s.stride == 0 || s.window > s.in_h ||
            s.window > s.in_w)
          throw std::invalid_argument("pooling shape: sizes >= 1, window <= input");
        p.table = table2_pool({s.window, s.in_w, s.in_c, s.out_h(), s.out_w()});
        p.processing = std::uint64_t{s.out_h()} * s.out_w();
        p.line_buffer_bits = p.table.line_buffer.amount * in_bits;
        p.energy_pj.buffers = storage_write_energy_pj(t.line_buffer, std::uint64_t{s.in_h} * s.in_w * s.in_c * in_bits) +
                              storage_read_energy_pj(t.line_buffer, std::uint64_t{s.window} * s.window * s.in_c *
                                                                        in_bits * p.processing);
        p.area_um2.buffers = storage_area_um2(t.line_buffer, p.line_buffer_bits);
      } else {
        SplitConfig sc;
        sc.xbar_rows = cfg.xbar_rows;
        sc.xbar_cols = cfg.xbar_cols;
        sc.weight_bits = cfg.weight_bits;
        sc.cell_bits = cfg.cell_bits;
        sc.scheme = cfg.scheme;
        sc.max_adc_bits = cfg.max_adc_bits;
        sc.input.bits = in_bits;
        sc.input.kind = InputKind::bipolar;
        sc.binary_output = cfg.activation_bits == 1 && i != last_matrix;
        p.has_matrix = true;
        std::uint64_t input_map_bits = 0;
        if (l.kind == LayerKind::conv) {
          const ConvShape& s = l.conv;
          p.split = split_conv(s, sc);
          p.table = table2_conv({s.kernel_h, s.kernel_w, s.in_c, s.out_c, s.in_w, s.out_h(), s.out_w(),
                                 p.split.row_blocks, p.split.col_blocks});
          p.processing = s.windows();
          input_map_bits = s.input_bits() * in_bits;
          p.line_buffer_bits = p.table.line_buffer.amount * in_bits;
          if (s.pool > 1)  // pooling line buffer of the pooled conv output (binary or multi-bit)
            p.line_buffer_bits += std::uint64_t{s.pool} * s.out_w() * s.out_c * cfg.activation_bits;
        } else if (l.kind == LayerKind::fully_connected) {
          p.split = split_matrix(l.inputs, l.outputs, sc);
          p.table = table2_fc({u32(l.inputs), u32(l.outputs), p.split.row_blocks, p.split.col_blocks});
          p.processing = 1;
          input_map_bits = l.inputs * in_bits;
        } else {
          throw std::invalid_argument("unknown layer kind");
        }
        const MatrixSplit& s = p.split;
        p.cells = s.cells_used;
        p.cells_allocated = s.cells_allocated;
        p.drivers = cfg.shared_row_dacs ? s.k : s.row_drivers;
        p.converters = s.converters;
        {  // converters built: per crossbar ⌈its slice columns / sharing⌉, every row block
          const std::size_t cols = s.m * s.slices, per_xbar = s.slice_cols_per_xbar;
          const std::size_t share = cfg.columns_per_converter == 0 ? per_xbar : cfg.columns_per_converter;
          const auto units = [&](std::size_t c) { return (c + share - 1) / share; };
          const std::size_t full = cols / per_xbar, rest = cols % per_xbar;
          p.converter_units = std::uint64_t{s.row_blocks} * (full * units(per_xbar) + (rest ? units(rest) : 0));
          p.conversions_per_op = static_cast<unsigned>(std::min(share, per_xbar));
        }
        const std::uint64_t block_adds = std::uint64_t{s.m} * s.slices * (s.row_blocks - 1);
        const std::uint64_t slice_adds = std::uint64_t{s.m} * (s.slices - 1);
        p.adds = block_adds + slice_adds;
        p.fm_buffer_bits = p.table.feature_map_buffer.amount * in_bits;

        const EventCost drv = dac_cost(t, in_bits);
        const EventCost conv = s.sense_amp ? t.mlsa_comparator : adc_cost(t, s.sense_bits);
        // Adder widths: the exact sums' two's-complement widths when the converters resolve
        // every block sum; otherwise the codes (sense_bits + sign) grown by ⌈log2 X_in⌉ bits
        // over the row blocks and by the slice shifts.
        unsigned block_bits = s.column_ps.word_bits, slice_bits = s.result_ps.word_bits;
        if (!s.exact) {
          unsigned grow = 0;
          while ((1u << grow) < s.row_blocks) ++grow;
          block_bits = std::min(block_bits, s.sense_bits + 1 + grow);
          slice_bits = std::min(slice_bits, block_bits + (s.slices - 1) * cfg.cell_bits);
        }
        const EventCost add_block = adder_cost(t, block_bits);
        const EventCost add_slice = adder_cost(t, slice_bits);
        p.add_bits = s.slices > 1 ? std::max(block_bits, slice_bits) : block_bits;
        const double n = static_cast<double>(p.processing);
        p.energy_pj.cells = n * static_cast<double>(p.cells) * cell.read.energy_pj;
        p.energy_pj.drivers = n * static_cast<double>(p.drivers) * drv.energy_pj;
        p.energy_pj.converters = n * static_cast<double>(p.converters) * conv.energy_pj;
        p.energy_pj.adders = n * (static_cast<double>(block_adds) * add_block.energy_pj +
                                  static_cast<double>(slice_adds) * add_slice.energy_pj);
        p.energy_pj.buffers = storage_write_energy_pj(t.line_buffer, input_map_bits) +
                              storage_read_energy_pj(t.line_buffer, p.fm_buffer_bits * p.processing);
        p.area_um2.cells = static_cast<double>(p.cells_allocated) * cell.read.area_um2;
        p.area_um2.drivers = static_cast<double>(p.drivers) * drv.area_um2;
        p.area_um2.converters = static_cast<double>(p.converter_units) * conv.area_um2;
        // the adders behind shared converters are shared alike (they add one column at a time)
        p.area_um2.adders = (static_cast<double>(block_adds) * add_block.area_um2 +
                             static_cast<double>(slice_adds) * add_slice.area_um2) *
                            static_cast<double>(p.converter_units) / static_cast<double>(p.converters);
        p.area_um2.buffers = storage_area_um2(t.line_buffer, p.fm_buffer_bits + p.line_buffer_bits);
        first_matrix = false;
      }
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("layer '" + p.name + "': " + e.what());
    }
    p.time_ns = static_cast<double>(p.processing) * period_ns * p.conversions_per_op;
    out.energy_pj += p.energy_pj.total();
    out.area_um2 += p.area_um2.total();
    out.time_ns += p.time_ns;
    out.layers.push_back(std::move(p));
  }
  return out;
}

}  // namespace cimvp
