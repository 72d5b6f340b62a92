import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { judgeBatchResponse, judgeResponse, retryDelayMs } from '../../hub/dc/backoff.ts';

test('retry delays grow exponentially up to the cap, with full jitter', () => {
  const policy = { baseMs: 1000, maxMs: 60_000 };
  const top = (attempt: number) => retryDelayMs(attempt, policy, () => 0.999999);
  assert.is(top(1), 999);
  assert.is(top(2), 1999);
  assert.is(top(4), 7999);
  assert.is(top(20), 59_999, 'never beyond the cap');
  assert.is(retryDelayMs(5, policy, () => 0), 100, 'never zero: a floor of a tenth of the base');
  const spread = new Set(Array.from({ length: 50 }, () => retryDelayMs(6, policy)));
  assert.ok(spread.size > 10, 'jitter spreads retries');
});

test('DC answers: stored, already stored, refused for good, and worth retrying', () => {
  assert.equal(judgeResponse(201, { receiptId: 'r1', duplicate: false }), { kind: 'delivered', receiptId: 'r1', duplicate: false });
  assert.equal(judgeResponse(200, { receiptId: 'r1', duplicate: true }), { kind: 'delivered', receiptId: 'r1', duplicate: true });
  assert.equal(judgeResponse(400, { error: { code: 'BAD_SIGNATURE', message: 'JWS does not verify' } }), { kind: 'dead', reason: 'BAD_SIGNATURE: JWS does not verify' });
  assert.is(judgeResponse(400, { error: { code: 'INVALID_RECORD', message: 'body.nik: required' } }).kind, 'dead');
  assert.is(judgeResponse(401, { error: { code: 'UNKNOWN_HUB', message: '?' } }).kind, 'reregister');
  assert.is(judgeResponse(500, undefined).kind, 'retry');
  assert.is(judgeResponse(503, { error: { code: 'DOWN' } }).kind, 'retry');
  assert.is(judgeResponse(200, { nothing: true }).kind, 'retry', 'an answer without a receipt is not a delivery');
});

test('batch answers: a verdict per record; a batch refused whole refuses each record', () => {
  const v = judgeBatchResponse(200, { results: [
    { recordId: 'a', receiptId: 'ra', duplicate: false },
    { recordId: 'b', receiptId: 'rb', duplicate: true },
    { recordId: 'c', error: { code: 'INVALID_RECORD', message: 'body.nik: must be 16 digits' } },
  ] }, ['a', 'b', 'c', 'd']);
  assert.equal(v.get('a'), { kind: 'delivered', receiptId: 'ra', duplicate: false });
  assert.equal(v.get('b'), { kind: 'delivered', receiptId: 'rb', duplicate: true });
  assert.equal(v.get('c'), { kind: 'dead', reason: 'INVALID_RECORD: body.nik: must be 16 digits' });
  assert.is(v.get('d')!.kind, 'retry', 'a record the DC did not mention is sent again');
  const refused = judgeBatchResponse(400, { error: { code: 'BAD_SIGNATURE', message: 'x' } }, ['a', 'b']);
  assert.is(refused.get('a')!.kind, 'dead');
  assert.is(judgeBatchResponse(502, undefined, ['a']).get('a')!.kind, 'retry');
});

test.run();
