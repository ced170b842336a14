#!/usr/bin/env node
// First-page JavaScript budget: the entry script of dist/index.html plus every
// <link rel="modulepreload"> it lists, gzipped at level 9. Exits 1 over the budget.
// Run after `npm run build`: `npm run size` (plain Node, no dependencies); an optional argument
// names another build directory (relative to frontend/ or absolute), e.g. to compare two builds.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, gzipSync } from 'node:zlib';

const BUDGET_KB = 350;
const budget = BUDGET_KB * 1024;

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', process.argv[2] ?? 'dist');
let html;
try {
  html = readFileSync(join(dist, 'index.html'), 'utf8');
} catch {
  console.error(`${join(dist, 'index.html')} not found: run \`npm run build\` first.`);
  process.exit(2);
}

/** The value of attribute `name` in one tag's text, or undefined. */
function attribute(tag, name) {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

const files = [];
for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
  const src = attribute(tag, 'src');
  if (src && attribute(tag, 'type') === 'module') files.push({ kind: 'entry', src });
}
for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
  const rel = attribute(tag, 'rel')?.toLowerCase().split(/\s+/) ?? [];
  const href = attribute(tag, 'href');
  if (rel.includes('modulepreload') && href && /\.m?js(\?|$)/.test(href)) {
    files.push({ kind: 'preload', src: href });
  }
}
if (!files.some((file) => file.kind === 'entry')) {
  console.error('No <script type="module" src=…> in dist/index.html.');
  process.exit(2);
}

const seen = new Set();
let total = 0;
const rows = [];
for (const { kind, src } of files) {
  const path = src.replace(/^\//, '').split('?')[0];
  if (seen.has(path)) continue;
  seen.add(path);
  const bytes = readFileSync(join(dist, path));
  const gz = gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
  total += gz;
  rows.push({ kind, path, raw: bytes.length, gz });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const width = Math.max(...rows.map((row) => row.path.length));
console.log('First page JavaScript (dist/index.html entry + modulepreload), gzip -9:');
for (const row of rows) {
  console.log(
    `  ${row.kind.padEnd(7)} ${row.path.padEnd(width)}  ${kb(row.raw).padStart(10)} raw  ${kb(row.gz).padStart(9)} gz`,
  );
}
console.log(`  total   ${''.padEnd(width)}  ${kb(rows.reduce((s, r) => s + r.raw, 0)).padStart(10)} raw  ${kb(total).padStart(9)} gz`);
console.log(`  budget  ${BUDGET_KB} KB gz (${budget} bytes): ${total <= budget ? 'OK' : 'OVER'} (${total} bytes)`);
process.exit(total > budget ? 1 : 0);
