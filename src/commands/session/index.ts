export { Session, type SessionOptions } from './session.ts';
export { BUNDLED, bundledLinuxOptions } from './image.ts';
export { translate, readVirtual } from './memory.ts';
export type * from './types.ts';
