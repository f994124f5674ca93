/**
 * The CommandError hierarchy mapped to what the user sees, by class and code:
 * the session's own codes take the failing command's code, a KvmError is
 * kept as the cause, startup errors split into exit status 2 and 1.
 */
import { describe, expect, it } from 'vitest';
import {
  asCommandError, BreakpointError, CommandError, isStartupUsageError, PageWalkError, SessionError, UsageError, unreadableError,
} from '../../src/commands/errors.ts';
import { Errno, KvmError } from '../../src/core/uapi/errors.ts';

describe('asCommandError', () => {
  it('passes an error with a script code through as it is', () => {
    for (const e of [new CommandError('bad-number', "bad number '0x1z'"), new SessionError('no-such-reg', "no register 'rzz'"), new BreakpointError('no-slot', 'full'), new PageWalkError(0x1000n, 'PTE[1] not present')]) {
      expect(asCommandError(e, 'no-such-reg')).toBe(e);
    }
  });

  it("gives the session's own codes the failing command's code, the session's error as cause", () => {
    for (const code of ['unsupported', 'bad-image'] as const) {
      const e = new SessionError(code, 'cannot do that here');
      const c = asCommandError(e, 'no-slot');
      expect([c.code, c.message, c.cause]).toEqual(['no-slot', 'cannot do that here', e]);
      expect(asCommandError(e).code).toBe('failed');
    }
  });

  it('wraps a KvmError (whatever its errno) as the cause, first line only', () => {
    const k = new KvmError(Errno.ENOENT, 'open /dev/kvm');
    const c = asCommandError(k);
    expect([c.code, c.message, c.cause]).toEqual(['failed', 'open /dev/kvm failed: ENOENT (errno 2)', k]);
    expect(asCommandError(new Error('one\ntwo'), 'bad-args').message).toBe('one');
  });
});

describe('unreadableError', () => {
  it("keeps the session's words for an unreadable read, names the address for anything else", () => {
    const walk = new SessionError('unreadable', 'cannot read 0x40100010: not mapped: PDPTE[1] not present');
    expect(unreadableError(0x40100010n, walk).message).toBe('cannot read 0x40100010: not mapped: PDPTE[1] not present');
    const other = unreadableError(0x10n, new SessionError('bad-args', 'bad length 9999999'));
    expect([other.code, other.message]).toEqual(['unreadable', 'cannot read 0x0000000000000010: bad length 9999999']);
  });
});

describe('isStartupUsageError', () => {
  it('a bad command line or an image that cannot be loaded (exit 2); a backend that cannot be opened is not (exit 1)', () => {
    expect(isStartupUsageError(new UsageError("unknown option '--nope'"))).toBe(true);
    expect(isStartupUsageError(new SessionError('no-file', 'x.elf: no such file'))).toBe(true);
    expect(isStartupUsageError(new SessionError('bad-image', 'x.elf: not an ELF image'))).toBe(true);
    expect(isStartupUsageError(new SessionError('unsupported', 'cannot open the kvm backend'))).toBe(false);
    expect(isStartupUsageError(new KvmError(Errno.ENOENT, 'open /dev/kvm'))).toBe(false);
  });
});
