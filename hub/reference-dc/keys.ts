/** The DC's JOSE keys: ES256 for signing, ECDH-ES P-256 for hubs to encrypt to. Made once, kept 0600. */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

export interface DcKeyPair { privateKey: CryptoKey; publicJwk: JWK & { kid: string } }

async function loadOrCreate(path: string, alg: 'ES256' | 'ECDH-ES+A256KW'): Promise<DcKeyPair> {
  if (existsSync(path)) {
    const jwk = JSON.parse(readFileSync(path, 'utf8')) as JWK & { kid: string };
    const { d: _d, ...pub } = jwk;
    return { privateKey: await importJWK(jwk, alg) as CryptoKey, publicJwk: pub as JWK & { kid: string } };
  }
  const { privateKey, publicKey } = await generateKeyPair(alg, { crv: 'P-256', extractable: true });
  const kid = `dc-${alg === 'ES256' ? 'sig' : 'enc'}-${randomUUID().slice(0, 8)}`;
  const priv = { ...(await exportJWK(privateKey)), kid, alg, use: alg === 'ES256' ? 'sig' : 'enc' };
  writeFileSync(path, JSON.stringify(priv), { mode: 0o600 });
  return { privateKey: privateKey as CryptoKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: priv.use } };
}

export async function loadOrCreateDcKeys(dir: string): Promise<{ signing: DcKeyPair; encryption: DcKeyPair }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    signing: await loadOrCreate(join(dir, 'dc-signing.jwk'), 'ES256'),
    encryption: await loadOrCreate(join(dir, 'dc-encryption.jwk'), 'ECDH-ES+A256KW'),
  };
}
