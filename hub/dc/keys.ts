/**
 * The hub's ES256 signing key (made on first start, kept 0600 in the data folder) and the DC's
 * public keys, pinned on first registration.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import { z } from 'zod';

export interface HubKeys { privateKey: CryptoKey; publicJwk: JWK }

export async function loadOrCreateHubKey(path: string): Promise<HubKeys> {
  if (existsSync(path)) {
    const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK;
    const privateKey = await importJWK(jwk, 'ES256') as CryptoKey;
    const { d: _d, ...pub } = jwk;
    return { privateKey, publicJwk: pub };
  }
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const priv = await exportJWK(privateKey);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify({ ...priv, alg: 'ES256' }), { mode: 0o600 });
  return { privateKey: privateKey as CryptoKey, publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES256' } };
}

const JwkSchema = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string(), kid: z.string() }).passthrough();
export const DcKeysSchema = z.object({ signing: JwkSchema, encryption: JwkSchema });
export type DcKeys = z.infer<typeof DcKeysSchema>;

export function readPinnedDcKeys(path: string): DcKeys | null {
  if (!existsSync(path)) return null;
  const r = DcKeysSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  return r.success ? r.data : null;
}

export function pinDcKeys(path: string, keys: DcKeys): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, JSON.stringify(keys, null, 2), { mode: 0o600 });
}
