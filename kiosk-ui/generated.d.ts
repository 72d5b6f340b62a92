/** Modules the UI build (scripts/build-ui.ts) makes up at bundle time. */
declare module 'ktp:district-codes' {
  /** every district code of idn-area-data, 6 digits each, concatenated */
  const codes: string;
  export default codes;
}

/** esbuild bundles imported CSS into app.css beside app.js. */
declare module '*.css';
