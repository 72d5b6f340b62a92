import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildUi } from '../../scripts/build-ui.ts';
import { ALL_CLIPS } from '../../queue-display/index.ts';

const out = mkdtempSync(join(tmpdir(), 'ui-build-'));

test.after(() => rmSync(out, { recursive: true, force: true }));

test('every screen gets its page, bundle and assets; building twice gives the same files', async () => {
  const first = await buildUi({ outDir: out });
  const second = await buildUi({ outDir: out });
  assert.equal(second.screens, first.screens);
  const files = Object.fromEntries(first.screens.map((s) => [s.name, s.files]));
  assert.equal(Object.keys(files).sort(), ['collection', 'display', 'kiosk', 'operator', 'sim', 'supervisor']);
  for (const name of ['kiosk', 'collection', 'operator', 'supervisor', 'sim']) {
    for (const f of ['index.html', 'app.js', 'app.css']) assert.ok(files[name]!.includes(f), `${name}/${f}`);
  }
  assert.ok(files.display!.includes('app.js'));
  for (const clip of ALL_CLIPS) assert.ok(files.display!.includes(`audio/${clip}.ogg`), clip);
});

test('pages load their assets by relative URLs (the hub serves each screen under /<screen>/)', () => {
  for (const name of ['kiosk', 'operator', 'supervisor', 'display', 'sim']) {
    const html = readFileSync(join(out, name, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(refs.length > 0, name);
    for (const r of refs) assert.ok(r.startsWith('./') || r.startsWith('data:'), `${name}: ${r}`);
  }
});

test('the kiosk bundle carries the district codes for the NIK region check', () => {
  const js = readFileSync(join(out, 'kiosk', 'app.js'), 'utf8');
  assert.ok(js.includes('320101'), 'district 32.01.01 in the kiosk bundle');
});

test.run();
