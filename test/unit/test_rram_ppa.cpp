// RRAM accelerator resources and PPA (models/circuit rram_ppa.h, docs/rram.md "Resources
// and PPA"): Table II counts and the mapping for a hand-worked layer, energies and areas
// hand-computed from a hand-built technology, the seed's saving column.
#include <catch2/catch.hpp>

#include "cimvp/circuit/rram_ppa.h"

using namespace cimvp;
using Catch::Matchers::Contains;

namespace {

/// Round numbers so that every figure below can be computed by hand.
TechParams hand_tech() {
  TechParams t;
  t.node = "hand";
  t.feature_size_nm = 45;
  t.supply_v = 1;
  t.clock_period_ns = 10;
  t.power_period_ns = 10;
  BitcellTech& c = t.bitcell(CellKind::rram_1t1r);
  c.present = true;
  c.read = {0.5, 10, 0.02};         // 0.5 pJ per cell read, 0.02 µm² per cell
  t.mlsa_comparator = {2.5, 10, 48.8};
  t.adc.reference = {8, {350, 10, 600}};  // 8-bit ADC: 350 pJ, 600 µm²
  t.dac.reference = {8, {300, 10, 619.2}};
  t.adder_bit = {0.001, 0.02, 6.4};
  t.line_buffer.read_energy_pj_per_bit = 0.02;
  t.line_buffer.write_energy_pj_per_bit = 0.02;
  t.line_buffer.area_um2_per_bit = 0.5;
  return t;
}

RramNetLayer conv2() {  // LeNet conv2: 12×12×20, 5×5 → 50, 8×8 outputs
  RramNetLayer l;
  l.name = "conv2";
  l.kind = LayerKind::conv;
  l.conv.in_h = l.conv.in_w = 12;
  l.conv.in_c = 20;
  l.conv.kernel_h = l.conv.kernel_w = 5;
  l.conv.out_c = 50;
  return l;
}

RramNetLayer fc(std::size_t in, std::size_t out) {
  RramNetLayer l;
  l.name = "fc";
  l.inputs = in;
  l.outputs = out;
  return l;
}

}  // namespace

TEST_CASE("rram ppa: Table II and the mapping for LeNet conv2 (BCNN, 128x128)", "[circuit][rram][ppa]") {
  RramPpaConfig cfg = RramPpaConfig::bcnn();
  cfg.first_input_bits = 1;  // a hidden layer: binary inputs
  const RramNetworkPpa r = estimate_rram_network(hand_tech(), {conv2(), fc(800, 10)}, cfg);
  const RramLayerPpa& l = r.layers.at(0);
  // K = 5·5·20 = 500 → X_in = ⌈500/128⌉ = 4; M = 50 pairs ≤ 64 → X_out = 1.
  CHECK(l.split.row_blocks == 4);
  CHECK(l.split.col_blocks == 1);
  // Table II as published: cells 500·50·1·1, DAC 500·1, SA&ADC 50·4, FM buffer 5·5·20,
  // line buffer 5·12·20, processing count 8·8.
  CHECK(l.table.rram_cells.amount == 25000);
  CHECK(l.table.dacs.amount == 500);
  CHECK(l.table.sa_adcs.amount == 200);
  CHECK(l.table.feature_map_buffer.amount == 500);
  CHECK(l.table.line_buffer.amount == 1200);
  CHECK(l.table.rram_cells.processing_count == 64);
  // The mapping: two cells per ±1 weight; 4 crossbars of 128×128.
  CHECK(l.cells == 50000);
  CHECK(l.cells_allocated == 4u * 128 * 128);
  CHECK(l.drivers == 500);
  CHECK(l.converters == 200);
  CHECK(l.input_bits == 1);
  CHECK_FALSE(l.split.sense_amp);  // 4 row blocks: partial sums leave the crossbar
  CHECK(l.split.sense_bits == 8);  // 129 values per 128-row block
  CHECK(l.adds == 150);            // 50 columns × 3 row-block adds
  CHECK(l.add_bits == 10);         // [−500, 500]
  CHECK(l.processing == 64);
  // Energy per image (pJ): cells 64·50000·0.5; 1-bit drivers at 300·2^(1−8) = 2.34375 pJ;
  // 8-bit ADCs 350 pJ; adds 64·150·10·0.001; buffers: 12·12·20 input bits written once +
  // 500 bits read per window.
  CHECK(l.energy_pj.cells == Approx(1.6e6));
  CHECK(l.energy_pj.drivers == Approx(64.0 * 500 * 2.34375));
  CHECK(l.energy_pj.converters == Approx(64.0 * 200 * 350));
  CHECK(l.energy_pj.adders == Approx(96.0));
  CHECK(l.energy_pj.buffers == Approx(2880 * 0.02 + 64 * 500 * 0.02));
  // Area (µm²): allocated cells, drivers 619.2/128 each, ADCs, adders 10 bits × 6.4, buffers.
  CHECK(l.area_um2.cells == Approx(65536 * 0.02));
  CHECK(l.area_um2.drivers == Approx(500 * 619.2 / 128));
  CHECK(l.area_um2.converters == Approx(200 * 600.0));
  CHECK(l.area_um2.adders == Approx(150 * 10 * 6.4));
  CHECK(l.area_um2.buffers == Approx((500 + 1200) * 0.5));
  CHECK(l.time_ns == Approx(640.0));

  // The last layer's output is not binary (class scores), a one-block FC layer of a
  // hidden layer would use an SA: fc 800 → 10 has X_in = 7, so an ADC here anyway.
  CHECK_FALSE(r.layers.at(1).split.sense_amp);
  // A single-block hidden layer senses with an SA (threshold compare) at the SA cost.
  const RramNetworkPpa s = estimate_rram_network(hand_tech(), {fc(100, 20), fc(20, 10)}, cfg);
  CHECK(s.layers[0].split.sense_amp);
  CHECK(s.layers[0].energy_pj.converters == Approx(20 * 2.5));
  CHECK(s.layers[0].area_um2.converters == Approx(20 * 48.8));
}

TEST_CASE("rram ppa: Table II's cell formula against the mapping when X_out > 1", "[circuit][rram][ppa]") {
  // AlexNet conv1 (K = 363, M = 96) on 128×128 BCNN: 96 pairs need X_out = 2 crossbars.
  RramNetLayer c1;
  c1.kind = LayerKind::conv;
  c1.conv.in_h = c1.conv.in_w = 227;
  c1.conv.in_c = 3;
  c1.conv.kernel_h = c1.conv.kernel_w = 11;
  c1.conv.stride = 4;
  c1.conv.out_c = 96;
  const RramNetworkPpa r = estimate_rram_network(hand_tech(), {c1, fc(10, 10)}, RramPpaConfig::bcnn());
  const RramLayerPpa& l = r.layers.at(0);
  CHECK(l.split.col_blocks == 2);
  CHECK(l.table.rram_cells.amount == 363u * 96 * 2 * 2);  // (h·w·C_in)·C_out·X_out·X_out
  CHECK(l.cells == 363u * 96 * 2);                        // the mapping: a pair per weight
  CHECK(l.table.dacs.amount == 363u * 2);
  CHECK(l.drivers == 363u * 2);
  CHECK(l.input_bits == 8);  // image pixels: 8-bit DACs in the BCNN's first layer
  CHECK(l.processing == 55u * 55);
}

TEST_CASE("rram ppa: the seed's saving column and bad input", "[circuit][rram][ppa]") {
  // Published table: saving = 1 − BCNN/CNN, printed to 0.1 %.
  CHECK(rram_saving(18.39, 13.55) == Approx(0.263).margin(0.0005));
  CHECK(rram_saving(0.054, 0.060) == Approx(-0.111).margin(0.0005));
  CHECK(rram_saving(5444.85, 2275.34) == Approx(0.582).margin(0.0005));
  CHECK(rram_saving(21.25, 9.19) == Approx(0.5675).margin(0.0005));
  CHECK_THROWS(rram_saving(0.0, 1.0));

  RramPpaConfig cfg = RramPpaConfig::bcnn();
  cfg.cell = CellKind::sram_6t;
  CHECK_THROWS_WITH(estimate_rram_network(hand_tech(), {fc(10, 10)}, cfg), Contains("rram_1t1r|rram_0t1r"));
  cfg = RramPpaConfig::bcnn();
  cfg.cell = CellKind::rram_0t1r;
  CHECK_THROWS_WITH(estimate_rram_network(hand_tech(), {fc(10, 10)}, cfg), Contains("has no cell 'rram_0t1r'"));
  RramNetLayer bad = conv2();
  bad.conv.kernel_h = 20;
  CHECK_THROWS_WITH(estimate_rram_network(hand_tech(), {bad}, RramPpaConfig::bcnn()), Contains("layer 'conv2'"));
}

TEST_CASE("rram ppa: converter sharing and shared row DACs, by hand", "[circuit][rram][ppa]") {
  // LeNet fc1 800 x 500 in BCNN mode on 128 x 128 crossbars, differential pairs: 64 slice
  // columns per crossbar, X_in = ⌈800/128⌉ = 7, X_out = ⌈500/64⌉ = 8 (7 full + 52 columns).
  RramPpaConfig cfg = RramPpaConfig::bcnn();
  cfg.first_input_bits = 1;
  const auto layer = [&](const RramPpaConfig& c) { return estimate_rram_network(hand_tech(), {fc(800, 500)}, c).layers.at(0); };
  const RramLayerPpa table2 = layer(cfg);
  CHECK(table2.converters == 500u * 7);       // Table II: C_out · X_in
  CHECK(table2.converter_units == 500u * 7);  // no sharing: one per column and row block
  CHECK(table2.drivers == 800u * 8);          // K · X_out
  CHECK(table2.conversions_per_op == 1);
  RramPpaConfig one = cfg;
  one.columns_per_converter = 0;  // one converter per crossbar
  const RramLayerPpa per_xbar = layer(one);
  CHECK(per_xbar.converter_units == 7u * 8);  // 56 crossbars
  CHECK(per_xbar.conversions_per_op == 64);
  CHECK(per_xbar.converters == table2.converters);  // the same conversions …
  CHECK(per_xbar.energy_pj.converters == table2.energy_pj.converters);  // … the same energy
  CHECK(per_xbar.area_um2.converters == Approx(table2.area_um2.converters * 56.0 / 3500.0));
  CHECK(per_xbar.area_um2.adders == Approx(table2.area_um2.adders * 56.0 / 3500.0));  // adders follow
  CHECK(per_xbar.energy_pj.adders == table2.energy_pj.adders);
  CHECK(per_xbar.time_ns == Approx(64 * table2.time_ns));
  RramPpaConfig sixteen = cfg;
  sixteen.columns_per_converter = 16;  // per row block: 7 crossbars × 64/16 + ⌈52/16⌉ = 28 + 4
  CHECK(layer(sixteen).converter_units == 7u * 32);
  RramPpaConfig dacs = cfg;
  dacs.shared_row_dacs = true;
  const RramLayerPpa shared = layer(dacs);
  CHECK(shared.drivers == 800u);
  CHECK(shared.energy_pj.drivers == Approx(table2.energy_pj.drivers / 8.0));
  CHECK(shared.area_um2.drivers == Approx(table2.area_um2.drivers / 8.0));
}
