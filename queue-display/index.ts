/**
 * The queue-display folder's public face for other folders and tests: the pure logic of the
 * waiting-room display. The Lit page itself is bundled by scripts/build-ui.ts from main.ts.
 */
export { ALL_CLIPS, LETTERS, NUMBER_CLIPS, PHRASE_CLIPS, callPhrase, counterNumberWords, digitWord, letterClip } from './words.ts';
export type { Phrase } from './words.ts';
export { applyCall, emptyState, LAST_CALLS_SHOWN } from './state.ts';
export { DisplayCallSchema, DisplayStateSchema } from './schemas.ts';
export type { DisplayCall, DisplayState } from './schemas.ts';
