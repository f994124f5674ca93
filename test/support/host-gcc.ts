/**
 * Whether tests that compile C for this machine's own CPU can run: an x86-64
 * host with gcc. Returns the reason when not (the caller prints it and skips).
 */
import { execFileSync } from 'node:child_process';
import { arch } from 'node:os';

export function hostGccMissing(): string | undefined {
  if (arch() !== 'x64') return `host is ${arch()}, not x86-64`;
  try {
    execFileSync('gcc', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'gcc not found';
  }
  return undefined;
}
