/**
 * Answer-to-reset (ISO/IEC 7816-3 section 8): just enough to build our card's ATR and to read a
 * card's capabilities from its historical bytes (7816-4 8.1.1.2.7, card capabilities, compact-TLV
 * tag 7: third software function byte, bit 7 = extended Lc and Le supported).
 */
export interface CardCapabilities { extendedLength: boolean }

/** T=1 only (TD1 = 01), historical bytes 80 73 00 00 xx with xx = 40 when extended lengths work. */
export function buildAtr(caps: CardCapabilities): Uint8Array {
  const hist = [0x80, 0x73, 0x00, 0x00, caps.extendedLength ? 0x40 : 0x00];
  const body = [0x80 | hist.length, 0x01, ...hist];
  const tck = body.reduce((x, b) => x ^ b, 0);
  return Uint8Array.from([0x3b, ...body, tck]);
}

/** Historical bytes of an ATR, or undefined if the ATR does not parse. */
export function historicalBytes(atr: Uint8Array): Uint8Array | undefined {
  if (atr.length < 2 || (atr[0] !== 0x3b && atr[0] !== 0x3f)) return undefined;
  const t0 = atr[1]!;
  const k = t0 & 0x0f;
  let y = t0 >> 4;
  let p = 2;
  for (;;) {
    let td: number | undefined;
    for (let bit = 0; bit < 4; bit++) {
      if (y & (1 << bit)) {
        if (p >= atr.length) return undefined;
        if (bit === 3) td = atr[p];
        p++;
      }
    }
    if (td === undefined) break;
    y = td >> 4;
  }
  if (p + k > atr.length) return undefined;
  return atr.subarray(p, p + k);
}

export function parseCapabilities(atr: Uint8Array): CardCapabilities {
  const hist = historicalBytes(atr);
  if (!hist || hist[0] !== 0x80) return { extendedLength: false };
  // Compact-TLV objects: high nibble tag, low nibble length.
  for (let p = 1; p < hist.length; ) {
    const tag = hist[p]! >> 4;
    const len = hist[p]! & 0x0f;
    if (tag === 7 && len >= 3 && p + 3 < hist.length) return { extendedLength: (hist[p + 3]! & 0x40) !== 0 };
    p += 1 + len;
  }
  return { extendedLength: false };
}
