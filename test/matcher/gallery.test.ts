import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { compactTemplate, compareCompact, decodeImage, extractTemplate, FIELD_NONE, MatcherPool, GalleryShard, packTemplates, prepareProbe, createGallery, searchGallery } from '../../matcher/index.ts';
import type { Template } from '../../matcher/index.ts';
import { fvc } from './datasets.ts';

// gallery: DB1 fingers 101-110, impressions 2-4; probes: impression 1
const gallery: { id: string; template: Template }[] = [];
const probes: { finger: string; t: Template }[] = [];
for (let f = 101; f <= 110; f++) {
  probes.push({ finger: String(f), t: extractTemplate(decodeImage(readFileSync(fvc('DB1_B', `${f}_1.tif`)))).template });
  for (const i of [2, 3, 4]) gallery.push({ id: `${f}_${i}`, template: extractTemplate(decodeImage(readFileSync(fvc('DB1_B', `${f}_${i}.tif`)))).template });
}

test('MatcherPool over worker threads returns the right finger first', async () => {
  const pool = new MatcherPool({ threads: 2 });
  try {
    await pool.add(gallery);
    assert.is(pool.size, 30);
    let right = 0;
    for (const p of probes) {
      const hits = await pool.search(p.t, { topK: 5 });
      assert.is(hits.length, 5);
      for (let i = 1; i < hits.length; i++) assert.ok(hits[i - 1]!.score >= hits[i]!.score);
      if (hits[0]!.id.startsWith(p.finger + '_')) right++;
    }
    assert.ok(right >= 9, `right finger first for ${right} of 10 probes`);
  } finally {
    await pool.close();
  }
  let refused = false;
  try { await pool.search(probes[0]!.t); } catch { refused = true; }
  assert.ok(refused, 'a closed pool refuses searches');
});

test('createGallery/searchGallery and the index pre-selection agree on the best candidate', async () => {
  const g = createGallery({ threads: 1 });
  try {
    await g.add(gallery);
    const hits = await searchGallery(probes[2]!.t, g, { topK: 3 });
    assert.ok(hits[0]!.id.startsWith('103_'));
  } finally {
    await g.close();
  }
  // in-process shard with a shortlist smaller than the gallery exercises the edge index
  const shard = new GalleryShard();
  shard.add(packTemplates(gallery));
  let right = 0;
  for (const p of probes) if (shard.search(p.t, 1, 8)[0]!.id.startsWith(p.finger + '_')) right++;
  assert.ok(right >= 8, `index shortlist found the finger for ${right} of 10`);
});

test('the index shortlist keeps the mate whatever the rotation between the prints', () => {
  // edges are rotation-invariant and the rotation bins wrap around: a mate turned by any angle
  // is still counted among the few best of the gallery, so the full comparison sees it
  const probe = probes[4]!.t, mate = gallery.find((g) => g.id === '105_2')!.template;
  for (const rot of [0, 0.4, 1.3, Math.PI, -2.2]) {
    const c = Math.cos(rot), sn = Math.sin(rot);
    const turned: Template = {
      ...mate,
      field: undefined,
      minutiae: mate.minutiae.map((m) => ({ ...m, x: 300 + c * m.x - sn * m.y, y: 300 + sn * m.x + c * m.y, angle: (((m.angle - rot) % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI) })),
    };
    const shard = new GalleryShard();
    shard.add(packTemplates([...gallery.filter((g) => !g.id.startsWith('105_')), { id: 'turned', template: turned }]));
    const hits = shard.search(probe, 1, 3);
    assert.is(hits[0]!.id, 'turned', `mate turned by ${rot.toFixed(1)} rad`);
  }
});

test('a gallery scores with the orientation fields, as the 1:1 comparison does', async () => {
  // the field travels to the workers with the minutiae: a pool hit scores exactly as the full
  // templates compare, and a gallery print whose ridge flow is turned by 90° stops matching
  const probe = probes[0]!.t, mate = gallery[0]!.template;
  const expected = compareCompact(prepareProbe(probe), compactTemplate(mate));
  const f = mate.field!;
  const crossed: Template = { ...mate, field: { ...f, dir: f.dir.map((d) => (d === FIELD_NONE ? d : (d + 64) % 128)) } };
  const pool = new MatcherPool({ threads: 1 });
  try {
    await pool.add([{ id: 'mate', template: mate }, { id: 'crossed', template: crossed }]);
    const hits = await pool.search(probe, { topK: 2 });
    const byId = new Map(hits.map((h) => [h.id, h.score]));
    assert.ok(expected > 0);
    assert.is(byId.get('mate'), expected);
    assert.ok(byId.get('crossed')! < expected / 4, `crossed field scored ${byId.get('crossed')} against ${expected}`);
  } finally {
    await pool.close();
  }
});

test.run();
