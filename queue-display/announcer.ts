/**
 * The sound of a call: a chime synthesised with Web Audio oscillators, then the Indonesian words
 * played from recorded clips (no speech voice needed on the display PC). Calls queue up and never
 * overlap. Nothing here may stall the queue: every wait has a deadline.
 */
import type { Phrase } from './words.ts';

export type AnnouncerEvent =
  | { type: 'started'; phrase: Phrase }
  | { type: 'finished'; phrase: Phrase; missingClips: string[] }
  | { type: 'skipped'; phrase: Phrase; reason: 'muted' | 'no-audio' }
  | { type: 'error'; phrase: Phrase; message: string };

const GAP_S = 0.06;

export class CallAnnouncer {
  private ctx: AudioContext | null = null;
  private chain: Promise<void> = Promise.resolve();
  private readonly buffers = new Map<string, Promise<AudioBuffer | null>>();

  constructor(
    private readonly clipUrl: (clip: string) => string,
    private readonly onEvent: (e: AnnouncerEvent) => void = () => undefined,
  ) {}

  /** Creates or resumes the audio output; call it from a user gesture unless autoplay is allowed. */
  async unlock(): Promise<boolean> {
    const Ctor = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctor) return false;
    this.ctx ??= new Ctor();
    if (this.ctx.state !== 'running') {
      try {
        await withDeadline(this.ctx.resume(), 2000);
      } catch {
        // still suspended: the page has to ask for a tap
      }
    }
    return this.ctx.state === 'running';
  }

  get running(): boolean {
    return this.ctx?.state === 'running';
  }

  /** Queues one call; returns when it has been played (or skipped). */
  announce(phrase: Phrase): Promise<void> {
    const next = this.chain.then(() => this.play(phrase));
    this.chain = next.catch(() => undefined);
    return this.chain;
  }

  private async play(phrase: Phrase): Promise<void> {
    const ctx = this.ctx;
    if (!ctx) return this.onEvent({ type: 'skipped', phrase, reason: 'no-audio' });
    if (ctx.state !== 'running') return this.onEvent({ type: 'skipped', phrase, reason: 'muted' });
    this.onEvent({ type: 'started', phrase });
    try {
      const loading = phrase.clips.map((c) => this.load(c));
      await this.chime(ctx);
      const buffers = await Promise.all(loading);
      const missing = phrase.clips.filter((_, i) => !buffers[i]);
      let t = ctx.currentTime + 0.05;
      let last: AudioBufferSourceNode | null = null;
      for (const b of buffers) {
        if (!b) continue;
        const src = ctx.createBufferSource();
        src.buffer = b;
        src.connect(ctx.destination);
        src.start(t);
        t += b.duration + GAP_S;
        last = src;
      }
      if (last) await ended(last, (t - ctx.currentTime) * 1000 + 1500);
      this.onEvent({ type: 'finished', phrase, missingClips: missing });
    } catch (err) {
      this.onEvent({ type: 'error', phrase, message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** A two-tone "ding-dong" with soft overtones, about 1.4 s. */
  private async chime(ctx: AudioContext): Promise<void> {
    const start = ctx.currentTime + 0.02;
    const master = ctx.createGain();
    master.gain.value = 0.35;
    master.connect(ctx.destination);
    const notes: [number, number][] = [[659.25, 0], [523.25, 0.55]]; // E5 then C5
    let lastOsc: OscillatorNode | null = null;
    for (const [freq, offset] of notes) {
      for (const [mult, level] of [[1, 1], [2, 0.25], [3, 0.08]] as const) {
        const osc = ctx.createOscillator();
        const g = ctx.createGain();
        osc.type = 'sine';
        osc.frequency.value = freq * mult;
        const t0 = start + offset;
        g.gain.setValueAtTime(0.0001, t0);
        g.gain.exponentialRampToValueAtTime(level, t0 + 0.015);
        g.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.85);
        osc.connect(g).connect(master);
        osc.start(t0);
        osc.stop(t0 + 0.9);
        lastOsc = osc;
      }
    }
    if (lastOsc) await ended(lastOsc, 3000);
  }

  private load(clip: string): Promise<AudioBuffer | null> {
    let p = this.buffers.get(clip);
    if (!p) {
      p = (async () => {
        const ctx = this.ctx;
        if (!ctx) return null;
        try {
          const res = await fetch(this.clipUrl(clip));
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
          return await ctx.decodeAudioData(await res.arrayBuffer());
        } catch (err) {
          console.warn(`voice clip ${clip} could not be loaded:`, err);
          this.buffers.delete(clip); // try again at the next call
          return null;
        }
      })();
      this.buffers.set(clip, p);
    }
    return p;
  }

  /** Loads the clips ahead of the first call so it starts without delay. */
  preload(clips: readonly string[]): void {
    for (const c of clips) void this.load(c);
  }
}

function ended(node: AudioScheduledSourceNode, deadlineMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(100, deadlineMs));
    node.addEventListener('ended', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}
