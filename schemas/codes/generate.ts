/**
 * Regenerates the TypeScript code lists from the official CSVs in ./data (`npm run codes`).
 * The Lambda bundles and the local runtime import the generated modules, never the CSVs, so nothing
 * reads a data file at run time. test/unit/codes.test.ts fails when a generated file is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = (name: string) => fileURLToPath(new URL(name, import.meta.url));

export function renderProvinces(csv: string): string {
  const rows = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .filter((cols) => cols[2] === 'province')
    .map((cols) => `  ['${cols[0]}', '${cols[1]}'],`);
  return [
    '// Generated from schemas/codes/data/province-gbt2260.csv by `npm run codes`; do not edit.',
    '// GB/T 2260 province-level division codes (source and gaps: schemas/codes/data/SOURCES.md).',
    'export const provinceRows: ReadonlyArray<readonly [code: string, name: string]> = [',
    ...rows,
    '];',
    '',
  ].join('\n');
}

export const generatedFiles = {
  'provinces.generated.ts': () => renderProvinces(readFileSync(here('./data/province-gbt2260.csv'), 'utf8')),
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const [name, render] of Object.entries(generatedFiles)) {
    writeFileSync(here(`./${name}`), render());
    console.log(`wrote schemas/codes/${name}`);
  }
}
