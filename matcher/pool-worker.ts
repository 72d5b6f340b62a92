import { parentPort } from 'node:worker_threads';
import { GalleryShard } from './gallery-core.ts';
import type { PackedBatch } from './gallery-core.ts';
import type { Template } from './types.ts';

type Msg =
  | { type: 'add'; req: number; batch: PackedBatch }
  | { type: 'clear'; req: number }
  | { type: 'search'; req: number; probe: Template; topK: number; shortlist: number };

const shard = new GalleryShard();
parentPort!.on('message', (m: Msg) => {
  try {
    if (m.type === 'add') { shard.add(m.batch); parentPort!.postMessage({ req: m.req, ok: true, size: shard.size }); }
    else if (m.type === 'clear') { shard.clear(); parentPort!.postMessage({ req: m.req, ok: true, size: 0 }); }
    else parentPort!.postMessage({ req: m.req, ok: true, hits: shard.search(m.probe, m.topK, m.shortlist) });
  } catch (e) {
    parentPort!.postMessage({ req: m.req, ok: false, error: (e as Error).message });
  }
});
