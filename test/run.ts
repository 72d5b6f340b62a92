/**
 * Runs every uvu test file under test/ in its own Node process (integration tests start servers,
 * PTYs and pcscd; isolation keeps one file's leftovers from breaking the next), then prints one
 * closing line "N passed, N failed" that CI reads.
 *
 *   tsx test/run.ts            all files
 *   tsx test/run.ts queue dc   only files whose path contains "queue" or "dc"
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'test');
const PER_FILE_TIMEOUT_MS = Number(process.env.TEST_FILE_TIMEOUT_MS ?? 300_000);

function findTests(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name === 'bench' || name === 'support' || name === 'node_modules') continue;
      out.push(...findTests(p));
    } else if (name.endsWith('.test.ts')) {
      out.push(p);
    }
  }
  return out;
}

interface FileResult { file: string; passed: number; failed: number; skipped: number; code: number | null; timedOut: boolean }

function runFile(file: string): Promise<FileResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      cwd: root,
      env: { ...process.env, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d: Buffer) => { process.stderr.write(d); });
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, PER_FILE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      // uvu prints "Total: N / Passed: N / Skipped: N" once per file.
      const num = (label: string) => {
        let sum = 0;
        for (const m of out.matchAll(new RegExp(`${label}:\\s+(\\d+)`, 'g'))) sum += Number(m[1]);
        return sum;
      };
      const total = num('Total');
      const passed = num('Passed');
      const skipped = num('Skipped');
      let failed = total - passed - skipped;
      // A crash or a timeout before uvu could report counts as a failure of the file.
      if ((code !== 0 || timedOut) && failed === 0) failed = 1;
      resolve({ file, passed, failed, skipped, code, timedOut });
    });
  });
}

const filters = process.argv.slice(2);
const files = findTests(testDir).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const results: FileResult[] = [];
for (const file of files) {
  console.log(`\n# ${relative(root, file)}`);
  results.push(await runFile(file));
}

const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const skipped = results.reduce((s, r) => s + r.skipped, 0);
console.log('\n# files');
for (const r of results) {
  const mark = r.failed > 0 ? 'FAIL' : 'ok  ';
  console.log(`${mark} ${relative(root, r.file)}  ${r.passed} passed, ${r.failed} failed${r.timedOut ? ' (timed out)' : ''}`);
}
console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
