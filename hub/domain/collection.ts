/**
 * Card collection (SOP part B, steps B2 and B3) as pure rules: the steps of a kiosk session, which
 * finger is next and when verification has passed or failed, when an operator's override is
 * allowed, and the day's figures against the SOP standards. No I/O: the hub's CollectionService
 * applies these and stores the outcome; the screens may import them too.
 */

export const FINGERS = ['rightIndex', 'leftIndex'] as const;
export type FingerName = (typeof FINGERS)[number];

/** ISO/IEC 19794-2 finger positions, as the DC records them */
export const FINGER_POSITION: Record<FingerName, number> = { rightIndex: 2, leftIndex: 7 };

/**
 * card: waiting for the card on the reader (or reading it); data: the resident checks the chip's
 * data; fingerprint: 1:1 verification; signature: signing the receipt; receipt: handed over
 * (berhasil); failed: verification failed (gagal, card kept for return); held: stopped for the
 * operator (a discrepancy or a refused card); cancelled / abandoned: ended without a result.
 */
export const COLLECTION_STEPS = ['card', 'data', 'fingerprint', 'signature', 'receipt', 'failed', 'held', 'cancelled', 'abandoned'] as const;
export type CollectionStep = (typeof COLLECTION_STEPS)[number];

export const LIVE_STEPS: readonly CollectionStep[] = ['card', 'data', 'fingerprint', 'signature', 'held'];
export const isLive = (s: CollectionStep) => LIVE_STEPS.includes(s);

export interface FingerState {
  status: 'pending' | 'matched' | 'failed' | 'overridden';
  tries: number;
  /** best score of the tries so far (null before the first) */
  bestScore: number | null;
  /** override: why, and who */
  override?: { reason: string; operator: string; supervisor: string };
}
export type Fingers = Record<FingerName, FingerState>;

export interface VerificationPolicy {
  /** tries a finger gets before it counts as failed */
  maxTries: number;
  /** both index fingers must match (SOP); otherwise one matching finger is enough */
  requireBoth: boolean;
}

export const DEFAULT_VERIFICATION_POLICY: VerificationPolicy = { maxTries: 3, requireBoth: true };

export function freshFingers(): Fingers {
  return {
    rightIndex: { status: 'pending', tries: 0, bestScore: null },
    leftIndex: { status: 'pending', tries: 0, bestScore: null },
  };
}

export type Verdict = { kind: 'next'; finger: FingerName } | { kind: 'verified' } | { kind: 'failed'; reason: string };

/** Where verification stands: the next finger to scan (right index first), or its end. */
export function verdict(f: Fingers, policy: VerificationPolicy): Verdict {
  const failed = FINGERS.filter((n) => f[n].status === 'failed');
  const matched = FINGERS.filter((n) => f[n].status === 'matched');
  const pending = FINGERS.find((n) => f[n].status === 'pending');
  if (policy.requireBoth) {
    if (failed.length > 0) return { kind: 'failed', reason: failureReason(failed) };
    if (pending) return { kind: 'next', finger: pending };
    return matched.length > 0 ? { kind: 'verified' } : { kind: 'failed', reason: 'tidak ada sidik jari yang dapat diverifikasi' };
  }
  if (matched.length > 0) return { kind: 'verified' };
  if (pending) return { kind: 'next', finger: pending };
  return { kind: 'failed', reason: failureReason(failed) };
}

function failureReason(failed: readonly FingerName[]): string {
  const names = failed.map((n) => (n === 'rightIndex' ? 'telunjuk kanan' : 'telunjuk kiri'));
  return `sidik jari ${names.join(' dan ')} tidak cocok dengan data chip`;
}

/** One scan of `finger` was compared with the chip: the fingers after it. */
export function recordTry(f: Fingers, finger: FingerName, match: boolean, score: number, policy: VerificationPolicy): Fingers {
  const cur = f[finger];
  if (cur.status !== 'pending') return f;
  const tries = cur.tries + 1;
  const bestScore = cur.bestScore === null ? score : Math.max(cur.bestScore, score);
  const status = match ? 'matched' : tries >= policy.maxTries ? 'failed' : 'pending';
  return { ...f, [finger]: { ...cur, tries, bestScore, status } };
}

export type OverrideCheck = { ok: true } | { ok: false; code: 'FINGER_NOT_PENDING' | 'NO_FINGER_LEFT'; message: string };

/**
 * An unusable finger (injury) may be passed over by the operator with a supervisor's approval, but
 * only while it is still pending, and never so that no finger at all is matched.
 */
export function canOverride(f: Fingers, finger: FingerName): OverrideCheck {
  if (f[finger].status !== 'pending') {
    return { ok: false, code: 'FINGER_NOT_PENDING', message: `the ${finger} finger is already ${f[finger].status}` };
  }
  const other = FINGERS.find((n) => n !== finger)!;
  if (f[other].status === 'overridden' || f[other].status === 'failed') {
    return { ok: false, code: 'NO_FINGER_LEFT', message: 'at least one index finger must be verified against the chip' };
  }
  return { ok: true };
}

export function applyOverride(f: Fingers, finger: FingerName, override: NonNullable<FingerState['override']>): Fingers {
  return { ...f, [finger]: { ...f[finger], status: 'overridden', override } };
}

/** The verified fingers' ISO positions, for the DC record. */
export function verifiedPositions(f: Fingers): number[] {
  return FINGERS.filter((n) => f[n].status === 'matched').map((n) => FINGER_POSITION[n]);
}

/** What the resident reports as wrong in the chip's data. */
export const DATA_FIELDS = ['nik', 'name', 'placeOfBirth', 'dateOfBirth', 'sex', 'address', 'religion', 'maritalStatus', 'occupation', 'photo', 'signature', 'other'] as const;
export type DataField = (typeof DATA_FIELDS)[number];

/** The steps' times of one collection, ISO strings or null. */
export interface CollectionTimes {
  status: 'in_progress' | 'berhasil' | 'gagal' | 'cancelled' | 'abandoned';
  startedAt: string;
  verifiedAt: string | null;
  completedAt: string | null;
}

export interface CollectionDayStats {
  started: number;
  berhasil: number;
  gagal: number;
  cancelled: number;
  abandoned: number;
  /** B2: from identification to the verification result, in seconds */
  verification: { count: number; medianSeconds: number | null; withinStandard: number; standardMinutes: number };
  /** B3: from the verification result to the handover receipt, in seconds */
  handover: { count: number; medianSeconds: number | null; withinStandard: number; standardMinutes: number };
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** The day's collections against the SOP's 2-minute (B2) and 1-minute (B3) standards. */
export function collectionDayStats(rows: readonly CollectionTimes[], standards = { verification: 2, handover: 1 }): CollectionDayStats {
  const secs = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 1000;
  const ver = rows.filter((r) => r.verifiedAt).map((r) => secs(r.startedAt, r.verifiedAt!));
  const hand = rows.filter((r) => r.verifiedAt && r.completedAt).map((r) => secs(r.verifiedAt!, r.completedAt!));
  const count = (s: CollectionTimes['status']) => rows.filter((r) => r.status === s).length;
  return {
    started: rows.length,
    berhasil: count('berhasil'),
    gagal: count('gagal'),
    cancelled: count('cancelled'),
    abandoned: count('abandoned'),
    verification: { count: ver.length, medianSeconds: median(ver), withinStandard: ver.filter((s) => s <= standards.verification * 60).length, standardMinutes: standards.verification },
    handover: { count: hand.length, medianSeconds: median(hand), withinStandard: hand.filter((s) => s <= standards.handover * 60).length, standardMinutes: standards.handover },
  };
}
