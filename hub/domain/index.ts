/** The hub's pure domain rules: importable by screens too (no I/O, no Node APIs). */
export * from './nik.ts';
export * from './queue.ts';
export * from './services.ts';
export * from './collection.ts';
