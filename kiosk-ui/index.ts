/**
 * The kiosk-ui folder's public face for other folders and tests: the pure logic behind the screens.
 * The screens themselves are bundled by scripts/build-ui.ts from kiosk/, operator/, supervisor/, sim/.
 */
export { checkNik, decodeBirthDate, faultFromHub, groupNik, isNikCode, nikFaultMessage, regionLookup, NIK_LENGTH } from './kiosk/nik.ts';
export type { BirthInfo, Lang, NikCode, NikFault } from './kiosk/nik.ts';
export { idleView, parseIdleSeconds, DEFAULT_IDLE_SECONDS, IDLE_WARN_SECONDS } from './kiosk/idle.ts';
export type { IdleView } from './kiosk/idle.ts';
export { kioskReducer, initialState, hasSessionData } from './kiosk/flow.ts';
export type { KioskAction, KioskState, Step, SubmitError } from './kiosk/flow.ts';
export { formatClock, formatDate, formatMinutes, formatWait, minutesBetween } from './shared/format.ts';
export * from './shared/schemas.ts';
export { counterActions, groupWaiting } from './operator/logic.ts';
export type { ActionState, CounterActions } from './operator/logic.ts';
export { actionFaultText, deviceAlerts, deviceAlertText, loginFaultText, waitText } from './shared/staff.ts';
export { isOverStandard, SOP_STEPS, totals } from './supervisor/logic.ts';
export { enrolFaultText, fingerprintGuidance, fingerprintLoginFaultText, FINGER_PROMPT_TEXT, FINGERPRINT_GUIDANCE } from './shared/fingerprint.ts';
export type { FingerprintEvent } from './shared/fingerprint.ts';
export { CARD_VARIANTS, limitStroke, MAX_STROKE_POINTS, normalisePoint, pointerPressure, printerFault } from './sim/logic.ts';
export type { PadPoint } from './sim/logic.ts';
export { ageText, dcHealth, RESOLUTIONS } from './supervisor/logic.ts';
