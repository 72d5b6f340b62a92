/**
 * Card operations over one connection: status-word handling (61xx GET RESPONSE, 6Cxx retry with
 * the card's Le), SELECT, chunked READ BINARY of a whole TLV-framed file, chunked UPDATE BINARY,
 * CREATE FILE. Everything returns results; a card that answers nonsense gets MALFORMED_RESPONSE.
 */
import { buildCommand, createFile, getResponse, parseResponse, readBinary, readBinarySfi, selectAid, selectFile, statusToFailure, updateBinary, activateFile, selectMf } from './apdu.ts';
import type { CommandApdu, ResponseApdu } from './apdu.ts';
import { parseCapabilities } from './atr.ts';
import { concat, fail, ok } from './errors.ts';
import type { Result } from './errors.ts';
import { buildFcp } from './fcp.ts';
import { decodeTlv, decodeTlvHeader } from './tlv.ts';
import type { CardConnection } from './transport.ts';

export interface SessionOptions {
  /** Largest READ BINARY answer to ask for; default 32768 with extended length, else 256. */
  maxReadChunk?: number;
  /** Largest UPDATE BINARY data; default 16384 with extended length, else 224. */
  maxWriteChunk?: number;
  /**
   * Open each EF with READ BINARY by short file id (one APDU instead of SELECT + READ); falls
   * back to SELECT when the card refuses SFI addressing. Default true.
   */
  shortFileIds?: boolean;
}

export class CardSession {
  readonly extendedLength: boolean;
  readonly maxReadChunk: number;
  readonly maxWriteChunk: number;
  private useSfi: boolean;
  apdus = 0;
  bytesIn = 0;

  constructor(readonly conn: Pick<CardConnection, 'transmit' | 'atr'>, opts: SessionOptions = {}) {
    this.extendedLength = parseCapabilities(conn.atr).extendedLength;
    const readCap = this.extendedLength ? 32768 : 256;
    const writeCap = this.extendedLength ? 16384 : 224;
    this.maxReadChunk = Math.max(1, Math.min(opts.maxReadChunk ?? readCap, readCap));
    this.maxWriteChunk = Math.max(1, Math.min(opts.maxWriteChunk ?? writeCap, writeCap));
    this.useSfi = opts.shortFileIds ?? true;
  }

  /** Sends a command and follows 61xx/6Cxx; returns the final response (any status word). */
  async exchange(cmd: CommandApdu): Promise<Result<ResponseApdu>> {
    let current = cmd;
    const parts: Uint8Array[] = [];
    for (let round = 0; round < 64; round++) {
      const raw = buildCommand(current);
      if (!raw.ok) return raw;
      this.apdus++;
      const res = await this.conn.transmit(raw.value);
      if (!res.ok) return res;
      this.bytesIn += res.value.length;
      const r = parseResponse(res.value);
      if (!r.ok) return r;
      const { sw1, sw2 } = r.value;
      if (sw1 === 0x6c) {
        // Wrong Le: the card tells the right one; resend the same command once with it.
        if (round > 0 && current.le === (sw2 || 256)) return fail('MALFORMED_RESPONSE', 'card repeats 6Cxx for its own Le');
        current = { ...current, le: sw2 === 0 ? 256 : sw2 };
        continue;
      }
      if (sw1 === 0x61) {
        parts.push(r.value.data);
        current = getResponse(sw2 === 0 ? 256 : sw2);
        continue;
      }
      parts.push(r.value.data);
      return ok({ ...r.value, data: parts.length === 1 ? parts[0]! : concat(parts) });
    }
    return fail('MALFORMED_RESPONSE', 'card kept asking for GET RESPONSE / a new Le');
  }

  /** Like exchange, but a failing status word becomes its typed failure. */
  async command(cmd: CommandApdu): Promise<Result<ResponseApdu>> {
    const r = await this.exchange(cmd);
    if (!r.ok) return r;
    const f = statusToFailure(r.value.sw);
    return f ?? r;
  }

  selectApplication(aid: Uint8Array): Promise<Result<ResponseApdu>> { return this.command(selectAid(aid)); }
  selectMf(): Promise<Result<ResponseApdu>> { return this.command(selectMf()); }
  selectEf(fid: number): Promise<Result<ResponseApdu>> { return this.command(selectFile(fid, { p1: 0x02 })); }

  /** READ BINARY at `offset` for up to `le` bytes; unwraps the 53 object of odd-INS answers. */
  async readAt(offset: number, le: number): Promise<Result<{ data: Uint8Array; sw: number }>> {
    // Odd-INS answers wrap the data in 53 L (up to 4 header bytes), so ask for that much more.
    const cmd = offset <= 0x7fff ? readBinary(offset, le) : readBinary(offset, Math.min(le + 4, this.extendedLength ? 65536 : 256));
    const r = await this.command(cmd);
    if (!r.ok) return r;
    if (cmd.ins === 0xb0) return ok({ data: r.value.data, sw: r.value.sw });
    const t = decodeTlv(r.value.data, 0);
    if (!t.ok || t.value.tag !== 0x53) return fail('MALFORMED_RESPONSE', 'odd-INS READ BINARY answer is not wrapped in 53');
    return ok({ data: t.value.value, sw: r.value.sw });
  }

  /**
   * Reads a whole EF framed as one BER-TLV: the first chunk tells the total length, the rest is
   * read in chunks. A file that ends before its TLV says is FILE_TRUNCATED (with `dg` if given).
   */
  async readTlvFile(fid: number, dg?: number): Promise<Result<Uint8Array>> {
    const extra = dg !== undefined ? { dg } : {};
    const name = dg !== undefined ? `DG${dg}` : `EF ${fid.toString(16).padStart(4, '0')}`;
    const notFound = () => fail('FILE_NOT_FOUND', `${name} not on the card`, { ...extra, sw: 0x6a82 });
    let first: Result<{ data: Uint8Array; sw: number }> | undefined;
    if (this.useSfi) {
      const r = await this.command(readBinarySfi(fid & 0x1f, 0, this.maxReadChunk));
      if (r.ok) first = ok({ data: r.value.data, sw: r.value.sw });
      else if (r.code === 'FILE_NOT_FOUND') return notFound();
      else if (r.code === 'WRONG_P1P2' || r.code === 'INS_NOT_SUPPORTED' || r.code === 'COMMAND_NOT_ALLOWED') this.useSfi = false;
      else first = r;
    }
    if (!first) {
      const sel = await this.selectEf(fid);
      if (!sel.ok) return sel.code === 'FILE_NOT_FOUND' ? notFound() : sel;
      first = await this.readAt(0, this.maxReadChunk);
    }
    if (!first.ok) return first.code === 'WRONG_OFFSET' ? fail('FILE_TRUNCATED', `${name} is empty`, extra) : first;
    const head = decodeTlvHeader(first.value.data, 0);
    if (!head.ok) {
      // Too few bytes for even a header means the file was cut; otherwise it is simply not TLV.
      return first.value.data.length < 8 && first.value.sw === 0x6282 ? fail('FILE_TRUNCATED', `${name}: ${head.message}`, extra) : fail('MALFORMED_DG', `${name}: ${head.message}`, extra);
    }
    const total = head.value.headerLength + head.value.valueLength;
    const parts = [first.value.data.subarray(0, total)];
    let got = parts[0]!.length;
    while (got < total) {
      const want = Math.min(this.maxReadChunk, total - got);
      const r = await this.readAt(got, want);
      if (!r.ok) {
        if (r.code === 'WRONG_OFFSET') return fail('FILE_TRUNCATED', `${name} ends at ${got} of ${total} bytes`, extra);
        return r;
      }
      if (r.value.data.length === 0) return fail('FILE_TRUNCATED', `${name} ends at ${got} of ${total} bytes`, extra);
      parts.push(r.value.data.subarray(0, total - got));
      got += Math.min(r.value.data.length, total - got);
    }
    return ok(parts.length === 1 ? parts[0]!.slice() : concat(parts));
  }

  async createDf(fid: number, aid: Uint8Array): Promise<Result<ResponseApdu>> {
    return this.command(createFile(buildFcp({ kind: 'df', fid, aid })));
  }

  /** CREATE FILE for a transparent EF of `bytes.length`, then UPDATE BINARY in chunks. */
  async writeEf(fid: number, bytes: Uint8Array): Promise<Result<void>> {
    const c = await this.command(createFile(buildFcp({ kind: 'ef', fid, size: bytes.length })));
    if (!c.ok) return c;
    for (let off = 0; off < bytes.length; ) {
      // Odd-INS UPDATE carries offset and data objects, whose headers take up to 9 bytes of Lc.
      const room = off + this.maxWriteChunk > 0x7fff ? this.maxWriteChunk - 9 : this.maxWriteChunk;
      const n = Math.min(room, bytes.length - off);
      const u = await this.command(updateBinary(off, bytes.subarray(off, off + n)));
      if (!u.ok) return u;
      off += n;
    }
    return ok(undefined);
  }

  activate(): Promise<Result<ResponseApdu>> { return this.command(activateFile()); }
}
