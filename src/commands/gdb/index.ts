/** The gdb remote serial protocol server (docs/gdb.md). */
export { GdbServer, parseListenAddress, serverOf, type GdbServerOptions } from './server.ts';
export { GdbConnection, type EndReason } from './connection.ts';
export { onGdbActivity, type GdbActivity } from './activity.ts';
