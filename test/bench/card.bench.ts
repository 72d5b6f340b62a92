/**
 * Full KTP-el card read (SELECT AID, EF.COM, DG1, DG2 ~20 KB face, DG3, DG7, EF.SOD, passive
 * authentication, decoding) through real pcscd + vpcd, N reads; prints median and p95.
 *
 *   npx tsx test/bench/card.bench.ts [--reads 20] [--quickack]
 *
 * vpcd (pcscd's side) writes each message's 2-byte length and its payload in two send() calls
 * without TCP_NODELAY, so every APDU waits for our delayed ACK (~40 ms on Linux). That is an
 * artefact of the virtual reader, not of the driver: --quickack also runs a series with delayed
 * ACKs turned off for 127.0.0.0/8 (ip route ... quickack 1, root; the card then connects to
 * 127.0.0.2, and the route is restored afterwards). The in-process transport is measured too.
 */
import { execFileSync } from 'node:child_process';
import { CardDriver, InProcessTransport, PcscTransport, VirtualCard, VpcdCard, createTestCardSet } from '../../devices/card/index.ts';
import type { ReadCardResult } from '../../devices/card/index.ts';
import { startPcscd } from '../support/pcscd.ts';

const args = process.argv.slice(2);
const reads = Number(args[args.indexOf('--reads') + 1] ?? 20) || 20;
const quickack = args.includes('--quickack');

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)]!;
  return `median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, min ${s[0]!.toFixed(1)} ms, max ${s[s.length - 1]!.toFixed(1)} ms`;
}

async function series(name: string, driver: CardDriver, trust: Uint8Array[]): Promise<void> {
  const times: number[] = [];
  let last: ReadCardResult | undefined;
  for (let i = 0; i < reads + 1; i++) {
    last = await driver.readCard({ trust });
    if (!last.ok) throw new Error(`${name}: read failed: ${last.code} ${last.message}`);
    if (i > 0) times.push(last.timings.totalMs); // the first read warms up JIT and crypto
  }
  const t = last!.ok ? last!.timings : undefined;
  console.log(`${name}: ${reads} reads: ${stats(times)}`);
  if (t) console.log(`  last read: ${t.apdus} APDUs, ${t.bytes} bytes in, verify+decode ${t.verifyMs.toFixed(1)} ms, files ${Object.entries(t.filesMs).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
}

async function waitUntil(cond: () => boolean, what: string): Promise<void> {
  const until = Date.now() + 15_000;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const set = await createTestCardSet();
console.log(`card: face ${set.resident.face.bytes.length} B, DG2 ${set.good.dg2.length} B, SOD ${set.good.sod.length} B`);

{
  const transport = new InProcessTransport();
  const driver = new CardDriver(transport);
  driver.start();
  transport.insert(VirtualCard.personalised(set.good));
  await series('in-process', driver, [set.pki.csca.der]);
  await driver.stop();
}

const pcscd = await startPcscd();
const driver = new CardDriver(new PcscTransport(), { readerFilter: pcscd.readerName(0) });
driver.start();
try {
  await waitUntil(() => driver.status === 'online', 'the driver');
  const card = new VpcdCard(VirtualCard.personalised(set.good), { port: pcscd.vpcdPort(0) });
  await card.insert();
  await waitUntil(() => driver.cardPresent(), 'the card');
  await series('pcscd + vpcd', driver, [set.pki.csca.der]);
  await card.remove();
  await waitUntil(() => !driver.cardPresent(), 'the card to leave');

  if (quickack) {
    const route = ['route', 'change', 'local', '127.0.0.0/8', 'dev', 'lo', 'proto', 'kernel', 'scope', 'host', 'src', '127.0.0.1', 'table', 'local'];
    execFileSync('ip', [...route, 'quickack', '1']);
    try {
      const fast = new VpcdCard(VirtualCard.personalised(set.good), { host: '127.0.0.2', port: pcscd.vpcdPort(0) });
      await fast.insert();
      await waitUntil(() => driver.cardPresent(), 'the card');
      await series('pcscd + vpcd, delayed ACK off', driver, [set.pki.csca.der]);
      await fast.remove();
    } finally {
      execFileSync('ip', route);
    }
  }
} finally {
  await driver.stop();
  await pcscd.stop();
}
