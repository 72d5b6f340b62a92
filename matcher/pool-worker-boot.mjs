// Worker threads do not inherit tsx's loader hooks, so the worker registers them before loading
// the TypeScript worker module.
import { register } from 'tsx/esm/api';

register();
await import('./pool-worker.ts');
