// The store's worker run from the TypeScript sources (no build, or a stale one): tsx compiles it
// in the worker as bin/policy-watch.js has it compile the command line. The build bundles
// store-worker.ts itself as dist/store-worker.js and starts that instead.
import { register } from 'tsx/esm/api';

register();
await import('./store-worker.ts');
