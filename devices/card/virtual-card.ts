/**
 * A KTP-el card in TypeScript: an ISO 7816-4 file system (MF, one level of DFs, transparent EFs)
 * answering the command set listed in apdu.ts. It is the other end of the driver's protocol, used
 * behind vpcd (through pcscd) and in-process. A card is "blank" (MF only, lifecycle creation,
 * writable) or personalised (lifecycle operational, read-only).
 *
 * Misbehaviour for tests: `delayMs` per APDU (slow card), `removeAfterApdus` (the card leaves the
 * field after answering N APDUs, as when pulled out mid-read). Truncated files are data: a file
 * shorter than its TLV says (see the factory's `truncated` variant).
 */
import { SW, buildResponse, parseCommand } from './apdu.ts';
import type { ParsedCommand } from './apdu.ts';
import { buildAtr } from './atr.ts';
import { equalBytes } from './errors.ts';
import { buildFcp, parseFcp } from './fcp.ts';
import { cardFileList } from './files.ts';
import type { CardFiles } from './files.ts';
import { APP_DF_FID, KTP_AID } from './profile.ts';
import { decodeTlv, encodeTlv } from './tlv.ts';

interface Ef { kind: 'ef'; fid: number; data: Uint8Array }
interface Df { kind: 'df'; fid: number; aid: Uint8Array | undefined; children: Map<number, Ef | Df> }

export interface VirtualCardBehaviour {
  delayMs?: number;
  /** After answering this many APDUs (counted from insertion), the card is removed. */
  removeAfterApdus?: number;
}

export interface VirtualCardOptions extends VirtualCardBehaviour {
  /** Advertise and accept extended-length APDUs (default true). */
  extendedLength?: boolean;
  /** EEPROM available for files, bytes (default 128 KiB). */
  capacity?: number;
}

const MF_FID = 0x3f00;

export class VirtualCard {
  readonly atr: Uint8Array;
  readonly extendedLength: boolean;
  behaviour: VirtualCardBehaviour;
  private readonly capacity: number;
  private readonly mf: Df = { kind: 'df', fid: MF_FID, aid: undefined, children: new Map() };
  private lifecycle: 'creation' | 'operational' = 'creation';
  private currentDf: Df = this.mf;
  private currentEf: Ef | undefined;
  private apduCount = 0;
  /** Every command INS seen since insertion, for tests that check what a driver sent. */
  readonly log: number[] = [];

  constructor(opts: VirtualCardOptions = {}) {
    this.extendedLength = opts.extendedLength ?? true;
    this.capacity = opts.capacity ?? 128 * 1024;
    this.behaviour = { ...(opts.delayMs !== undefined ? { delayMs: opts.delayMs } : {}), ...(opts.removeAfterApdus !== undefined ? { removeAfterApdus: opts.removeAfterApdus } : {}) };
    this.atr = buildAtr({ extendedLength: this.extendedLength });
  }

  static blank(opts: VirtualCardOptions = {}): VirtualCard {
    return new VirtualCard(opts);
  }

  /** A card personalised with `files` (written directly, as a factory would), already operational. */
  static personalised(files: CardFiles, opts: VirtualCardOptions = {}): VirtualCard {
    const card = new VirtualCard(opts);
    const app: Df = { kind: 'df', fid: APP_DF_FID, aid: KTP_AID.slice(), children: new Map() };
    card.mf.children.set(APP_DF_FID, app);
    for (const f of cardFileList(files)) app.children.set(f.fid, { kind: 'ef', fid: f.fid, data: f.bytes.slice() });
    card.lifecycle = 'operational';
    return card;
  }

  get state(): 'creation' | 'operational' { return this.lifecycle; }

  /** Power on / reset: selection goes back to the MF, the APDU counter restarts. */
  reset(): void {
    this.currentDf = this.mf;
    this.currentEf = undefined;
    this.apduCount = 0;
    this.log.length = 0;
  }

  /** Contents of an EF in the application, for tests. */
  readFileDirect(fid: number): Uint8Array | undefined {
    for (const c of this.mf.children.values()) {
      if (c.kind === 'df') { const f = c.children.get(fid); if (f?.kind === 'ef') return f.data.slice(); }
    }
    return undefined;
  }

  /**
   * Answers one APDU with the configured misbehaviour: 'removed' means the card has just left and
   * the host must drop the connection instead of answering.
   */
  async answer(apdu: Uint8Array): Promise<Uint8Array | 'removed'> {
    const limit = this.behaviour.removeAfterApdus;
    if (limit !== undefined && this.apduCount >= limit) return 'removed';
    this.apduCount++;
    if (this.behaviour.delayMs) await new Promise((r) => setTimeout(r, this.behaviour.delayMs));
    return this.process(apdu);
  }

  /** Pure command processing: one command APDU in, one response APDU out. */
  process(apdu: Uint8Array): Uint8Array {
    const cmd = parseCommand(apdu);
    if (!cmd.ok) return buildResponse(new Uint8Array(0), SW.WRONG_LENGTH);
    const c = cmd.value;
    this.log.push(c.ins);
    if (c.cla !== 0x00) return sw(SW.CLA_UNKNOWN);
    if (c.extended && !this.extendedLength) return sw(SW.WRONG_LENGTH);
    switch (c.ins) {
      case 0xa4: return this.select(c);
      case 0xb0: case 0xb1: return this.readBinary(c);
      case 0xd6: case 0xd7: return this.updateBinary(c);
      case 0xe0: return this.createFile(c);
      case 0x44: return this.activate(c);
      case 0xc0: return sw(SW.CONDITIONS);
      default: return sw(SW.INS_UNKNOWN);
    }
  }

  private select(c: ParsedCommand): Uint8Array {
    if (c.p2 !== 0x0c && c.p2 !== 0x00 && c.p2 !== 0x04) return sw(SW.WRONG_P1P2);
    let target: Ef | Df | undefined;
    if (c.p1 === 0x04) {
      if (c.data.length < 5 || c.data.length > 16) return sw(SW.WRONG_LENGTH);
      target = [...this.mf.children.values()].find((f): f is Df => f.kind === 'df' && f.aid !== undefined && equalBytes(f.aid, c.data));
    } else if (c.p1 === 0x00 || c.p1 === 0x02) {
      if (c.p1 === 0x00 && (c.data.length === 0 || (c.data.length === 2 && c.data[0] === 0x3f && c.data[1] === 0x00))) target = this.mf;
      else {
        if (c.data.length !== 2) return sw(SW.WRONG_LENGTH);
        const fid = (c.data[0]! << 8) | c.data[1]!;
        target = this.currentDf.children.get(fid);
        if (!target && c.p1 === 0x00) target = this.mf.children.get(fid);
        if (c.p1 === 0x02 && target?.kind !== 'ef') target = undefined;
      }
    } else return sw(SW.WRONG_P1P2);
    if (!target) return sw(SW.NOT_FOUND);
    if (target.kind === 'df') { this.currentDf = target; this.currentEf = undefined; }
    else this.currentEf = target;
    if (c.p2 === 0x0c) return sw(SW.OK);
    const fcp = target.kind === 'df'
      ? buildFcp(target.aid ? { kind: 'df', fid: target.fid, aid: target.aid } : { kind: 'df', fid: target.fid })
      : buildFcp({ kind: 'ef', fid: target.fid, size: target.data.length });
    return buildResponse(fcp, SW.OK);
  }

  private readBinary(c: ParsedCommand): Uint8Array {
    let offset: number;
    if (c.ins === 0xb0 && c.p1 & 0x80) {
      // Short EF identifier: the EF in the current DF whose file id ends in these 5 bits.
      if (c.p1 & 0x60) return sw(SW.WRONG_P1P2);
      const sfi = c.p1 & 0x1f;
      const ef = [...this.currentDf.children.values()].find((f): f is Ef => f.kind === 'ef' && (f.fid & 0x1f) === sfi);
      if (!ef) return sw(SW.NOT_FOUND);
      this.currentEf = ef;
      offset = c.p2;
    } else if (c.ins === 0xb0) {
      offset = ((c.p1 & 0x7f) << 8) | c.p2;
    } else {
      const off = parseOffsetObject(c.data);
      if (off === undefined) return sw(SW.WRONG_DATA);
      offset = off;
    }
    const ef = this.currentEf;
    if (!ef) return sw(SW.NOT_ALLOWED);
    if (c.le === undefined) return sw(SW.WRONG_LENGTH);
    if (offset >= ef.data.length) return sw(SW.WRONG_OFFSET);
    // Odd INS answers wrap the data in 53 L, whose header eats into Le.
    const room = c.ins === 0xb0 ? c.le : Math.max(0, c.le - (c.le > 0x102 ? 4 : c.le > 0x81 ? 3 : 2));
    const n = Math.min(room, ef.data.length - offset);
    const data = ef.data.subarray(offset, offset + n);
    const status = n < c.le && offset + n >= ef.data.length && c.ins === 0xb0 ? SW.END_OF_FILE : SW.OK;
    return buildResponse(c.ins === 0xb0 ? data : encodeTlv(0x53, data), status);
  }

  private updateBinary(c: ParsedCommand): Uint8Array {
    if (this.lifecycle !== 'creation') return sw(SW.SECURITY_STATUS);
    const ef = this.currentEf;
    let offset: number;
    let data: Uint8Array;
    if (c.ins === 0xd6) {
      if (c.p1 & 0x80) return sw(SW.WRONG_P1P2);
      offset = ((c.p1 & 0x7f) << 8) | c.p2;
      data = c.data;
    } else {
      const off = decodeTlv(c.data, 0);
      if (!off.ok || off.value.tag !== 0x54) return sw(SW.WRONG_DATA);
      const o = parseOffsetObject(c.data.subarray(0, off.value.headerLength + off.value.value.length));
      const rest = decodeTlv(c.data, off.value.headerLength + off.value.value.length);
      if (o === undefined || !rest.ok || rest.value.tag !== 0x53) return sw(SW.WRONG_DATA);
      offset = o;
      data = rest.value.value;
    }
    if (!ef) return sw(SW.NOT_ALLOWED);
    if (data.length === 0) return sw(SW.WRONG_LENGTH);
    if (offset > ef.data.length) return sw(SW.WRONG_OFFSET);
    if (offset + data.length > ef.data.length) return sw(SW.NO_MEMORY);
    ef.data.set(data, offset);
    return sw(SW.OK);
  }

  private used(): number {
    let n = 0;
    const walk = (d: Df) => { for (const c of d.children.values()) { if (c.kind === 'ef') n += c.data.length; else walk(c); } };
    walk(this.mf);
    return n;
  }

  private createFile(c: ParsedCommand): Uint8Array {
    if (this.lifecycle !== 'creation') return sw(SW.SECURITY_STATUS);
    const fcp = parseFcp(c.data);
    if (!fcp.ok) return sw(SW.WRONG_DATA);
    const f = fcp.value;
    if (f.kind === 'df') {
      if (this.currentDf !== this.mf) return sw(SW.CONDITIONS); // one level of DFs
      if (this.mf.children.has(f.fid)) return sw(SW.FILE_EXISTS);
      if (f.aid && [...this.mf.children.values()].some((d) => d.kind === 'df' && d.aid && equalBytes(d.aid, f.aid!))) return sw(SW.FILE_EXISTS);
      const df: Df = { kind: 'df', fid: f.fid, aid: f.aid?.slice(), children: new Map() };
      this.mf.children.set(f.fid, df);
      this.currentDf = df;
      this.currentEf = undefined;
      return sw(SW.OK);
    }
    if (this.currentDf.children.has(f.fid)) return sw(SW.FILE_EXISTS);
    if (this.used() + f.size > this.capacity) return sw(SW.NO_MEMORY);
    const ef: Ef = { kind: 'ef', fid: f.fid, data: new Uint8Array(f.size) };
    this.currentDf.children.set(f.fid, ef);
    this.currentEf = ef;
    return sw(SW.OK);
  }

  private activate(c: ParsedCommand): Uint8Array {
    if (c.p1 !== 0 || c.p2 !== 0) return sw(SW.WRONG_P1P2);
    if (this.lifecycle !== 'creation') return sw(SW.CONDITIONS);
    this.lifecycle = 'operational';
    return sw(SW.OK);
  }
}

function sw(code: number): Uint8Array {
  return buildResponse(new Uint8Array(0), code);
}

function parseOffsetObject(data: Uint8Array): number | undefined {
  const t = decodeTlv(data, 0);
  if (!t.ok || t.value.tag !== 0x54 || t.value.value.length < 1 || t.value.value.length > 3) return undefined;
  if (t.value.headerLength + t.value.value.length !== data.length) return undefined;
  let n = 0;
  for (const b of t.value.value) n = n * 256 + b;
  return n;
}
