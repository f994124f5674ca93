#!/usr/bin/env node
// Entry point: run the TypeScript CLI through tsx's ESM loader (no build step).
import { register } from 'tsx/esm/api';
// React and Ink in their production builds (the development build costs a
// frame ~25 % more CPU) unless the caller chose otherwise; set before
// anything imports them (src/cli.tsx loads the TUI on demand).
process.env.NODE_ENV ??= 'production';
register();
await import('../src/cli.tsx');
