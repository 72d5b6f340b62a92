/**
 * Encryption at rest for personal data (NIK now; biometrics later). AES-256-GCM with a random
 * 96-bit nonce per value; a separate HMAC key derives lookup hashes so equality search works
 * without decrypting every row.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const VERSION = 1;

export class AtRestCipher {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(master: Buffer) {
    if (master.length !== 32) throw new Error('at-rest key must be 32 bytes');
    this.encKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'ktp-hub at-rest enc v1', 32));
    this.macKey = Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), 'ktp-hub lookup mac v1', 32));
  }

  /** version(1) | nonce(12) | tag(16) | ciphertext; `context` binds the value to its table/column */
  encrypt(plain: Uint8Array | string, context: string): Buffer {
    const nonce = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.encKey, nonce);
    c.setAAD(Buffer.from(context));
    const body = Buffer.concat([c.update(typeof plain === 'string' ? Buffer.from(plain, 'utf8') : plain), c.final()]);
    return Buffer.concat([Buffer.from([VERSION]), nonce, c.getAuthTag(), body]);
  }

  decrypt(blob: Uint8Array, context: string): Buffer {
    const b = Buffer.from(blob);
    if (b.length < 29 || b[0] !== VERSION) throw new Error('encrypted value is malformed');
    const d = createDecipheriv('aes-256-gcm', this.encKey, b.subarray(1, 13));
    d.setAAD(Buffer.from(context));
    d.setAuthTag(b.subarray(13, 29));
    return Buffer.concat([d.update(b.subarray(29)), d.final()]);
  }

  decryptText(blob: Uint8Array, context: string): string {
    return this.decrypt(blob, context).toString('utf8');
  }

  lookupHash(value: string, context: string): string {
    return createHmac('sha256', this.macKey).update(context).update('\0').update(value).digest('hex');
  }
}

/** The key comes from configuration, or from a file made (mode 0600) on first start. */
export function loadOrCreateMasterKey(path: string, fromConfig?: string): Buffer {
  if (fromConfig) {
    const k = Buffer.from(fromConfig, 'base64');
    if (k.length !== 32) throw new Error('atRestKey must be base64 of exactly 32 bytes');
    return k;
  }
  if (existsSync(path)) {
    const k = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (k.length !== 32) throw new Error(`${path} does not hold a 32-byte base64 key`);
    return k;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const k = randomBytes(32);
  writeFileSync(path, k.toString('base64') + '\n', { mode: 0o600 });
  chmodSync(path, 0o600);
  return k;
}
