/**
 * Bundles the browser screens into dist/ui/<screen>/ (index.html, app.js, app.css, assets).
 * The hub serves dist/ui/<screen>/ at /<screen>/, so every asset URL in the pages is relative.
 *
 *   tsx scripts/build-ui.ts          minified (production)
 *   tsx scripts/build-ui.ts --dev    readable bundles (also UI_DEV=1)
 *
 * Idempotent: each screen's folder is emptied and written anew on every run.
 */
import * as esbuild from 'esbuild';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface ScreenSpec {
  /** folder under dist/ui and URL path the hub serves it at */
  name: 'kiosk' | 'collection' | 'operator' | 'supervisor' | 'display' | 'sim';
  entry: string;
  html: string;
  /** folders copied beside the bundle as they are (name inside the screen folder -> source) */
  assets?: Record<string, string>;
}

export const screens: ScreenSpec[] = [
  { name: 'kiosk', entry: 'kiosk-ui/kiosk/main.tsx', html: 'kiosk-ui/kiosk/index.html' },
  /** the resident's collection kiosk (data reading, fingerprint verification, signature, receipt) */
  { name: 'collection', entry: 'kiosk-ui/collection/main.tsx', html: 'kiosk-ui/collection/index.html' },
  { name: 'operator', entry: 'kiosk-ui/operator/main.tsx', html: 'kiosk-ui/operator/index.html' },
  { name: 'supervisor', entry: 'kiosk-ui/supervisor/main.tsx', html: 'kiosk-ui/supervisor/index.html' },
  /** the simulator panel (demo mode only: in production its API answers 404 and the page says so) */
  { name: 'sim', entry: 'kiosk-ui/sim/main.tsx', html: 'kiosk-ui/sim/index.html' },
  {
    name: 'display',
    entry: 'queue-display/main.ts',
    html: 'queue-display/index.html',
    assets: { audio: 'queue-display/audio' },
  },
];

/**
 * The kiosk checks the NIK's region code against the district list of idn-area-data before the
 * resident goes further, so the list is compiled into the bundle as one compact string of 6-digit
 * codes (about 45 kB) instead of the whole CSV with names.
 */
const districtCodesPlugin: esbuild.Plugin = {
  name: 'ktp-district-codes',
  setup(build) {
    build.onResolve({ filter: /^ktp:district-codes$/ }, (args) => ({ path: args.path, namespace: 'ktp-generated' }));
    build.onLoad({ filter: /.*/, namespace: 'ktp-generated' }, () => {
      const csv = readFileSync(join(root, 'node_modules/idn-area-data/data/districts.csv'), 'utf8');
      const codes = parseDistrictCodes(csv);
      return { contents: `export default ${JSON.stringify(codes.join(''))};`, loader: 'js' };
    });
  },
};

/** "11.01.01,11.01,Bakongan" lines -> ["110101", ...]; the header and malformed lines are skipped. */
export function parseDistrictCodes(csv: string): string[] {
  const out: string[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const m = /^(\d{2})\.(\d{2})\.(\d{2}),/.exec(line);
    if (m) out.push(`${m[1]}${m[2]}${m[3]}`);
  }
  return out;
}

export interface BuildOptions {
  outDir?: string;
  minify?: boolean;
}

export interface BuildReport {
  outDir: string;
  screens: { name: string; files: string[] }[];
}

export async function buildUi(opts: BuildOptions = {}): Promise<BuildReport> {
  const outDir = opts.outDir ?? join(root, 'dist/ui');
  const minify = opts.minify ?? true;
  mkdirSync(outDir, { recursive: true });

  const results = await Promise.all(
    screens.map(async (s) => {
      const dir = join(outDir, s.name);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      await esbuild.build({
        absWorkingDir: root,
        entryPoints: { app: join(root, s.entry) },
        outdir: dir,
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: ['chrome109', 'firefox115', 'safari16'],
        minify,
        sourcemap: 'linked',
        jsx: 'automatic',
        jsxImportSource: 'preact',
        tsconfig: join(root, 'tsconfig.json'),
        loader: { '.svg': 'text' },
        define: { 'process.env.NODE_ENV': JSON.stringify(minify ? 'production' : 'development') },
        plugins: [districtCodesPlugin],
        logLevel: 'warning',
        legalComments: 'linked',
      });
      writeFileSync(join(dir, 'index.html'), readFileSync(join(root, s.html)));
      for (const [name, src] of Object.entries(s.assets ?? {})) {
        const from = join(root, src);
        if (!existsSync(from)) throw new Error(`asset folder ${src} of screen ${s.name} is missing`);
        cpSync(from, join(dir, name), { recursive: true });
      }
      return { name: s.name, files: listFiles(dir) };
    }),
  );
  return { outDir, screens: results };
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...listFiles(join(dir, e.name), `${prefix}${e.name}/`));
    else out.push(`${prefix}${e.name}`);
  }
  return out.sort();
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const dev = process.argv.includes('--dev') || process.env.UI_DEV === '1';
  const started = Date.now();
  try {
    const report = await buildUi({ minify: !dev });
    const n = report.screens.reduce((s, x) => s + x.files.length, 0);
    console.log(`ui: built ${report.screens.map((s) => s.name).join(', ')} (${n} files) into ${report.outDir} in ${Date.now() - started} ms`);
  } catch (err) {
    console.error('ui build failed:', err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
