import { serveProvenanceChecks } from './provenance-worker.ts';

// A provenance worker's entry when airlock runs from a clone (workers.ts starts
// it by path); the one-file build starts its own script instead (worker-script.ts).
serveProvenanceChecks();
