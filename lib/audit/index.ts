// The audit log of the trust state (STATE/audit.jsonl): every verdict of
// `verify` and `export`, every pin an operator accepted or forgot, each line
// chained to the one before by its sha256. Written under the state lock.

export type * from './types.ts';
export { GENESIS } from './types.ts';
export { appendAuditLocked, auditPath, readAuditLog, recordAudit, type AuditLog } from './store.ts';
export { checkLink } from './chain.ts';
export { LineScanner, type Line } from './lines.ts';
export { forgetRecord, pinRecord, verdictRecord } from './records.ts';
