export { Session, BUNDLED, type SessionOptions } from './session.ts';
export { translate, readVirtual } from './memory.ts';
export type * from './types.ts';
