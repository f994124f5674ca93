export { Session, SessionError, BUNDLED, type SessionOptions } from './session.ts';
export { PageWalkError, translate, readVirtual } from './memory.ts';
export type * from './types.ts';
