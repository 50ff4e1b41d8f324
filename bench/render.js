// render.js - the peer of bench/render.c: mustache.js 4.2.0 on the same template, partials and
// data (bench/data), rendered N times (default 100,000) with Mustache.render, which caches the
// parsed template and partials as it does in normal use.
//
//   node bench/render.js [DATA_DIR] [--iterations N] [--out FILE]
//
// mustache.js comes from bench/node_modules (bench/render.sh installs it there).
'use strict';
const fs = require('fs');
const path = require('path');
const Mustache = require(path.join(__dirname, 'node_modules', 'mustache'));

let dir = path.join(__dirname, 'data');
let iterations = 100000;
let outPath = null;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--iterations' && i + 1 < args.length) iterations = parseInt(args[++i], 10);
  else if (args[i] === '--out' && i + 1 < args.length) outPath = args[++i];
  else dir = args[i];
}

const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const template = read('proposal.mustache');
const view = JSON.parse(read('proposal.json'));
const partials = {
  argument: read('argument.mustache'),
  contact: read('contact.mustache'),
  item_row: read('item_row.mustache'),
};

// One rendering for --out and as a warm-up (it also fills mustache.js's template cache).
let out = Mustache.render(template, view, partials);
if (outPath) fs.writeFileSync(outPath, out, 'utf8');
for (let i = 0; i < 1000; i++) out = Mustache.render(template, view, partials);

const t0 = process.hrtime.bigint();
for (let i = 0; i < iterations; i++) out = Mustache.render(template, view, partials);
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const bytes = Buffer.byteLength(out, 'utf8');
console.log(
  `mustache.js ${Mustache.version} render: ${iterations} renders of ${bytes} bytes in ` +
    `${secs.toFixed(3)} s: ${(iterations / secs).toFixed(0)} renders/s, ` +
    `${((bytes * iterations) / secs / 1e6).toFixed(1)} MB/s, ` +
    `${((secs * 1e6) / iterations).toFixed(2)} us/render`
);
