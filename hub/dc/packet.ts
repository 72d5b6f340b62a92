/**
 * Sealing a record for the DC (docs/DC-PROTOCOL.md): signed by the hub (JWS ES256), then encrypted
 * to the DC's key (JWE ECDH-ES+A256KW / A256GCM). Also the short JWT that authenticates requests.
 */
import { CompactEncrypt, CompactSign, SignJWT, importJWK, type JWK, type CryptoKey } from 'jose';

export interface DcRecord {
  recordId: string;
  hubId: string;
  caseRef: string;
  seq: number;
  kind: 'enrolment' | 'collection_result' | 'card_return';
  createdAt: string;
  body: Record<string, unknown>;
}

const enc = new TextEncoder();

export async function sealRecord(record: DcRecord, hubKey: CryptoKey, dcEncryptionJwk: JWK & { kid: string }): Promise<string> {
  const jws = await new CompactSign(enc.encode(JSON.stringify(record)))
    .setProtectedHeader({ alg: 'ES256', kid: record.hubId })
    .sign(hubKey);
  const dcKey = await importJWK({ ...dcEncryptionJwk, alg: 'ECDH-ES+A256KW' }, 'ECDH-ES+A256KW');
  return new CompactEncrypt(enc.encode(jws))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: dcEncryptionJwk.kid, cty: 'JWT' })
    .encrypt(dcKey);
}

/** Many records under one signature and one encryption (docs/DC-PROTOCOL.md, record batches). */
export async function sealBatch(batch: { batchId: string; hubId: string; records: DcRecord[] }, hubKey: CryptoKey, dcEncryptionJwk: JWK & { kid: string }): Promise<string> {
  const jws = await new CompactSign(enc.encode(JSON.stringify(batch)))
    .setProtectedHeader({ alg: 'ES256', kid: batch.hubId })
    .sign(hubKey);
  const dcKey = await importJWK({ ...dcEncryptionJwk, alg: 'ECDH-ES+A256KW' }, 'ECDH-ES+A256KW');
  return new CompactEncrypt(enc.encode(jws))
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: dcEncryptionJwk.kid, cty: 'JWT' })
    .encrypt(dcKey);
}

export async function hubToken(hubId: string, hubKey: CryptoKey): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', kid: hubId })
    .setIssuer(hubId)
    .setAudience('ktp-dc')
    .setIssuedAt()
    .setExpirationTime('2m')
    .sign(hubKey);
}
