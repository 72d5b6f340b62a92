export const ROLES = ['kiosk', 'display', 'operator', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export type Principal =
  | { kind: 'device'; role: 'kiosk' | 'display'; deviceId: string; name: string }
  | { kind: 'user'; role: 'operator' | 'supervisor'; userId: string; username: string; displayName: string; sessionId: string; counterId: string | null };

/** A supervisor may do what an operator may; no other role implies another. */
export function roleAllows(actual: Role, allowed: readonly Role[]): boolean {
  return allowed.includes(actual) || (actual === 'supervisor' && allowed.includes('operator'));
}
