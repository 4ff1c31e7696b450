// Reads cimvp VCD files with an independent parser (the npm package vcd-parser) and checks
// their edges against the run's report (test/cli/vcd_detail.cmake).
//   node vcd_check.js PARSER_DIR REPORT.json WHOLE.vcd IMAGE0.vcd
'use strict';
const fs = require('fs');
const path = require('path');
const VCDParser = require(path.join(process.argv[2], 'node_modules', 'vcd-parser'));
const report = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const fail = msg => { console.error('FAIL: ' + msg); process.exit(1); };
const NONE = '1'.repeat(32);  // layer == 0xFFFFFFFF: no layer computing

const parse = file => VCDParser.parse(fs.readFileSync(file, 'utf8')).catch(e => fail(file + ': vcd-parser: ' + JSON.stringify(e)));
const find = (d, name, file) => {
  const s = d.signal.find(x => x.name === 'SystemC.' + name);
  if (!s) fail(file + ': no signal ' + name);
  return s;
};

(async () => {
  const whole = await parse(process.argv[4]);
  // layer edges: one tile (the run's images fit one tile), so layer l is current for
  // exactly the compute time the report gives it (ppa.layers[l].latency_ns)
  const layer = find(whole, 'top.cim.layer[31:0]', 'whole').wave.map(([t, v]) => [Number(t), v]);
  const lat = report.ppa.layers.map(l => l.latency_ns);
  const starts = [];
  for (let l = 0; l < lat.length; ++l) {
    const i = layer.findIndex(([, v]) => parseInt(v, 2) === l);
    if (i < 0) fail('layer ' + l + ' never current; layer wave ' + JSON.stringify(layer));
    starts.push(layer[i][0]);
  }
  const end = layer.find(([t, v]) => t > starts[starts.length - 1] && v === NONE);
  if (!end) fail('layer does not return to 0xFFFFFFFF after the last layer');
  starts.push(end[0]);
  for (let l = 0; l < lat.length; ++l) {
    const ns = (starts[l + 1] - starts[l]) / 1000;  // ps → ns
    if (Math.abs(ns - lat[l]) > 1e-6) fail('layer ' + l + ' lasts ' + ns + ' ns in the VCD, report: ' + lat[l] + ' ns');
  }
  console.log('layer edges at ' + starts.join(', ') + ' ps match the report\'s per-layer latency ' + lat.join(', ') + ' ns');
  // the DMA's bursts: each starts with a new source address
  const dma = find(whole, 'top.dma.bus_addr[63:0]', 'whole').wave.length - 1;
  const bursts = report.modules['top.dma'].bursts;
  if (dma !== bursts) fail('top.dma.bus_addr changes ' + dma + ' times, the DMA counted ' + bursts + ' bursts');
  const cmd = find(whole, 'top.dma.bus_cmd[31:0]', 'whole').wave.map(([, v]) => parseInt(v, 2));
  if (!cmd.includes(3) && !cmd.includes(7)) fail('top.dma.bus_cmd never shows a copy: ' + JSON.stringify(cmd));
  console.log('top.dma: ' + dma + ' bursts, as counted');
  // host MMIO: at least one write and one read
  const host = find(whole, 'top.host.bus_cmd[31:0]', 'whole').wave.map(([, v]) => parseInt(v, 2));
  if (!host.includes(1) || !host.includes(2)) fail('top.host.bus_cmd shows no read or no write');

  // --vcd-images 0:1: starts where image 0's tile starts computing (layer 0, vector 0)
  const img = await parse(process.argv[5]);
  const l0 = find(img, 'top.cim.layer[31:0]', 'image').wave;
  const v0 = find(img, 'top.cim.vector[63:0]', 'image').wave;
  if (Number(l0[0][0]) !== starts[0]) fail('--vcd-images 0:1 starts at ' + l0[0][0] + ' ps, layer 0 starts at ' + starts[0]);
  if (parseInt(l0[0][1], 2) !== 0 || parseInt(v0[0][1], 2) !== 0) fail('--vcd-images 0:1 does not start in layer 0 of vector 0');
  if (!l0.some(([t, v]) => Number(t) === starts[starts.length - 1] && v === NONE))
    fail('--vcd-images 0:1 does not show the end of the tile at ' + starts[starts.length - 1] + ' ps');
  console.log('--vcd-images 0:1 spans ' + l0[0][0] + '..' + starts[starts.length - 1] + ' ps');
})();
