// Builds dist/ (the assets shipped in the Python package) from src/ with esbuild, reproducibly:
// same sources + lock file -> same bytes. Records a hash of the sources in dist/SOURCES.sha256,
// which the tests compare with the sources (tests/unit/test_live_map_build.py).
// `node build.mjs --out DIR` builds elsewhere (make frontend-check diffs that against dist/).
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : 'dist';
const SOURCES = ['build.mjs', 'package.json', 'package-lock.json', ...readdirSync('src').sort().map((f) => join('src', f))];

mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/index.js'],
  bundle: true,
  format: 'esm',
  minify: true,
  target: 'es2020',
  legalComments: 'eof',
  outfile: join(out, 'live-map.js'),
  logLevel: 'warning',
});
copyFileSync('src/live-map.css', join(out, 'live-map.css'));
const h = createHash('sha256');
for (const f of SOURCES) {
  h.update(f + '\0');
  h.update(readFileSync(f));
  h.update('\0');
}
writeFileSync(join(out, 'SOURCES.sha256'), `${h.digest('hex')}\n${SOURCES.join('\n')}\n`);
