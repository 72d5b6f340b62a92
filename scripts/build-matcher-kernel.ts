/**
 * Compiles the matcher's comparison kernel (matcher/kernel/compare.ts, AssemblyScript) to
 * matcher/kernel/compare.wasm. The binary is committed, so that the matcher, its command line and
 * its worker threads run without a build step; the test suite recompiles it and fails if the
 * committed binary is not what the source compiles to (the compiler version is pinned).
 *
 *   npm run build:matcher            write compare.wasm
 *   npm run build:matcher -- --check exit 1 if compare.wasm differs from a fresh build
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../matcher/kernel/compare.ts', import.meta.url));
const target = fileURLToPath(new URL('../matcher/kernel/compare.wasm', import.meta.url));

/** the compiler options; changing them changes the binary, so they live here only */
export const ASC_ARGS = ['-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--initialMemory', '1'];

/** Compiles the kernel source and returns the binary, or throws with the compiler's messages. */
export async function compileKernel(): Promise<Uint8Array> {
  const asc = await import('assemblyscript/asc');
  let binary: Uint8Array | null = null;
  let messages = '';
  const result = await asc.main([source, ...ASC_ARGS, '--outFile', 'compare.wasm'], {
    writeFile: (name, contents) => { if (name.endsWith('.wasm') && typeof contents !== 'string') binary = contents; },
    stdout: { write: (s: string | Uint8Array) => { messages += String(s); return true; } } as never,
    stderr: { write: (s: string | Uint8Array) => { messages += String(s); return true; } } as never,
  });
  if (result.error || !binary) throw new Error(`the matcher kernel does not compile: ${result.error?.message ?? 'no binary'}\n${messages}`);
  return binary;
}

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((v, i) => v === b[i]);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await compileKernel();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(target);
    if (!sameBytes(built, committed)) {
      console.error('matcher/kernel/compare.wasm is not what matcher/kernel/compare.ts compiles to: run npm run build:matcher');
      process.exit(1);
    }
    console.log(`matcher/kernel/compare.wasm is up to date (${built.length} bytes)`);
  } else {
    writeFileSync(target, built);
    console.log(`wrote matcher/kernel/compare.wasm (${built.length} bytes)`);
  }
}
