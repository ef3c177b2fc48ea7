// Publisher pins across bundles, in the trust state folder (`--state`): the
// publishers each project was accepted with, whether it had provenance, and
// the latest time accepted. Checking is pure (checkPins, checkTime); writing
// (commitPins, forgetPin) takes the state lock.

export type * from './types.ts';
export { EMPTY_PINS } from './types.ts';
export { checkPins, type PinsResult } from './check.ts';
export { checkTime } from './time.ts';
export { loadPins, savePins, pinsPath } from './store.ts';
export { commitPins, commitPinsLocked, forgetPin, judgeStoredLocked } from './commit.ts';
