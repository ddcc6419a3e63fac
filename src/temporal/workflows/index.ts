// The workflows this worker registers (Temporal's bundler starts from this file).
export { watcher } from './watcher';
export { sweep } from './sweep';
export { decisionIndex } from './decisionIndex';
export { ledger } from './ledger';
