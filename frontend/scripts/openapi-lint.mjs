// Lints the committed OpenAPI document with Redocly's `recommended` rules (the library
// openapi-typescript already brings, so no extra install): errors fail, warnings are listed.
// Usage: node scripts/openapi-lint.mjs [path]   (default ../openapi/openapi.json)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createConfig, lintFromString } from '@redocly/openapi-core';

const path = resolve(process.argv[2] ?? '../openapi/openapi.json');
const config = await createConfig({ extends: ['recommended'] });
const problems = await lintFromString({ source: readFileSync(path, 'utf8'), absoluteRef: path, config });
const errors = problems.filter((p) => p.severity === 'error');
const warnings = problems.filter((p) => p.severity === 'warn');
for (const p of problems) {
  const where = p.location?.[0]?.pointer ?? '';
  console.log(`${p.severity.padEnd(5)} ${p.ruleId}: ${p.message} ${where}`);
}
console.log(`openapi lint: ${errors.length} errors, ${warnings.length} warnings (${path})`);
process.exit(errors.length > 0 ? 1 : 0);
