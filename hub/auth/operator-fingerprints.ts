/**
 * Operators' enrolled right index fingers (SOP A2.g: the operator confirms each recording with
 * their own finger). Templates are stored as ISO/IEC 19794-2 records, encrypted at rest.
 */
import { decodeIso19794, encodeIso19794, verify, type Template } from '../../matcher/index.ts';
import type { Database } from '../store/db.ts';
import type { AtRestCipher } from '../security/at-rest.ts';

const CONTEXT = 'operator_fingerprints.template';

export class OperatorFingerprints {
  constructor(private readonly db: Database, private readonly cipher: AtRestCipher) {}

  async enrol(userId: string, template: Template, quality: number, by: string): Promise<void> {
    const blob = this.cipher.encrypt(encodeIso19794(template), CONTEXT);
    await this.db.run(`INSERT INTO operator_fingerprints (user_id, template_enc, quality, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id) DO UPDATE SET template_enc = excluded.template_enc, quality = excluded.quality, enrolled_at = excluded.enrolled_at, enrolled_by = excluded.enrolled_by`,
    [userId, blob, Math.round(quality), new Date().toISOString(), by]);
  }

  async remove(userId: string): Promise<boolean> {
    return (await this.db.run('DELETE FROM operator_fingerprints WHERE user_id = ?', [userId])).changes === 1;
  }

  async enrolledUserIds(): Promise<Set<string>> {
    return new Set((await this.db.all<{ user_id: string }>('SELECT user_id FROM operator_fingerprints')).map((r) => r.user_id));
  }

  async has(userId: string): Promise<boolean> {
    return !!(await this.db.get('SELECT 1 FROM operator_fingerprints WHERE user_id = ?', [userId]));
  }

  /** 1:1 against the enrolled finger at FMR 0.1 % (the PIN is the other factor). */
  async verify(userId: string, live: Template): Promise<{ match: boolean; score: number }> {
    const row = await this.db.get<{ template_enc: Buffer }>('SELECT template_enc FROM operator_fingerprints WHERE user_id = ?', [userId]);
    if (!row) return { match: false, score: 0 };
    const stored = decodeIso19794(this.cipher.decrypt(row.template_enc, CONTEXT));
    if (!stored.ok) return { match: false, score: 0 };
    return verify(live, stored.template, 'fmr01');
  }
}
