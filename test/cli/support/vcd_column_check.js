// Checks the chosen-column signals of a cimvp VCD (--vcd-column LAYER:COLUMN) with an
// independent parser (npm vcd-parser) against exact partial sums computed by
// cimvp-column-ps (test/cli/vcd_detail.cmake).
//   node vcd_column_check.js PARSER_DIR EXPECTED.json COLUMN.vcd LAYER
// EXPECTED.json: {"row_blocks", "planes", "level": [plane][row block], "sum": [plane][row block]}.
// Edges: row block rb of plane p at plane start + round(rb/RB × plane read time), plane
// starts from the VCD's `layer` and `plane` edges (layer edges are checked against the
// report by vcd_check.js), the last plane's end where row_block returns to 0xFFFFFFFF; every
// plane reads as long; each value shown there must equal the expected one.
'use strict';
const fs = require('fs');
const path = require('path');
const VCDParser = require(path.join(process.argv[2], 'node_modules', 'vcd-parser'));
const want = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
const L = Number(process.argv[5]);
const fail = msg => { console.error('FAIL: ' + msg); process.exit(1); };
const NONE = '1'.repeat(32);
const signed32 = s => (s.length === 32 && s[0] === '1' ? parseInt(s, 2) - 2 ** 32 : parseInt(s, 2));

(async () => {
  const d = await VCDParser.parse(fs.readFileSync(process.argv[4], 'utf8')).catch(e => fail('vcd-parser: ' + JSON.stringify(e)));
  const wave = name => {
    const s = d.signal.find(x => x.name === 'SystemC.top.cim.' + name);
    if (!s) fail('no signal top.cim.' + name);
    return s.wave.map(([t, v]) => [Number(t), v]);
  };
  const at = (w, t) => { let v; for (const [u, x] of w) { if (u > t) break; v = x; } return v; };
  const layer = wave('layer[31:0]'), plane = wave('plane[31:0]'), rbw = wave('row_block[31:0]');
  const level = wave('column_sensed[31:0]'), sum = wave('column_sum[31:0]');
  // the first tile's layer L: from its first edge to the next layer edge
  const i0 = layer.findIndex(([, v]) => parseInt(v, 2) === L);
  if (i0 < 0) fail('layer ' + L + ' never current');
  const t0 = layer[i0][0];
  const t1 = layer[i0 + 1][0];
  const starts = [t0];
  for (let p = 1; p < want.planes; ++p) {
    const e = plane.find(([t, v]) => t > t0 && t < t1 && parseInt(v, 2) === p);
    if (!e) fail('plane ' + p + ' of layer ' + L + ' has no edge');
    starts.push(e[0]);
  }
  // the last plane's reads end where row_block returns to 0xFFFFFFFF (before the layer's
  // adder tree and threshold, inside the layer)
  const end = rbw.find(([t, v]) => t > starts[starts.length - 1] && v === NONE);
  if (!end || end[0] > t1) fail('row_block does not return to 0xFFFFFFFF within layer ' + L);
  starts.push(end[0]);
  for (let p = 1; p < want.planes; ++p)
    if (starts[p + 1] - starts[p] !== starts[1] - starts[0]) fail('plane ' + p + ' read time differs from plane 0: ' + starts.join(', '));
  let checked = 0;
  for (let p = 0; p < want.planes; ++p) {
    const span = starts[p + 1] - starts[p];
    for (let rb = 0; rb < want.row_blocks; ++rb) {
      const t = starts[p] + Math.floor(span * rb / want.row_blocks + 0.5);
      if (!rbw.some(([u, v]) => u === t && parseInt(v, 2) === rb))
        fail('plane ' + p + ': no row_block edge to ' + rb + ' at ' + t + ' ps; row_block wave near: ' +
             JSON.stringify(rbw.filter(([u]) => Math.abs(u - t) < span)));
      const lv = signed32(at(level, t)), sv = signed32(at(sum, t));
      if (lv !== want.level[p][rb]) fail('plane ' + p + ' row block ' + rb + ': column_sensed ' + lv + ', exact 2*PS ' + want.level[p][rb]);
      if (sv !== want.sum[p][rb]) fail('plane ' + p + ' row block ' + rb + ': column_sum ' + sv + ', exact ' + want.sum[p][rb]);
      ++checked;
    }
  }
  console.log('column: ' + checked + ' (plane, row block) levels and sums equal the exact partial sums, edges at ' +
              starts.join(', ') + ' ps + rb/' + want.row_blocks + ' of each plane');
})();
