import { enableCompileCache } from 'node:module';

// A provenance worker's entry when airlock runs from a clone (workers.ts starts
// it by path); the one-file build starts its own script instead (worker-script.ts).
// V8's compile cache first, as bin/airlock.js turns it on for the main thread
// (a worker is a Node instance of its own): the modules below, type-stripped
// and compiled, were most of a worker's start-up.
enableCompileCache?.();
const { serveProvenanceChecks } = await import('./provenance-worker.ts');
serveProvenanceChecks();
