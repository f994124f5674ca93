/**
 * What the three uAPI classes share: an fd on a Backend, ioctls by name
 * (counted as `ioctl.<NAME>`), and EBADF once the fd is closed — raised here
 * rather than left to the backend, so both backends fail alike and a closed
 * kvm_run mapping is never touched.
 */
import type { Backend } from '../backend.ts';
import { Counters } from '../counters.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { KvmIoctl, type KvmIoctlName } from '../uapi/ioctls.ts';

export type IoctlArg = Uint8Array | number | bigint | null;

export abstract class KvmFd {
  /** ioctls issued on this fd, by kind. */
  protected readonly ioctls = new Counters();
  private open = true;

  protected constructor(
    readonly backend: Backend,
    protected fd: number,
  ) {}

  /** The raw fd number (-1 once closed). */
  get rawFd(): number {
    return this.open ? this.fd : -1;
  }

  get closed(): boolean {
    return !this.open;
  }

  protected ensureOpen(what: string): void {
    if (!this.open) throw new KvmError(Errno.EBADF, what);
  }

  protected ioctl(name: KvmIoctlName, arg: IoctlArg = null): number {
    this.ensureOpen(name);
    this.ioctls.inc(`ioctl.${name}`);
    return this.backend.ioctl(this.fd, KvmIoctl[name], arg);
  }

  protected ioctlAsync(name: KvmIoctlName, arg: IoctlArg = null): Promise<number> {
    this.ensureOpen(name);
    this.ioctls.inc(`ioctl.${name}`);
    return this.backend.ioctlAsync(this.fd, KvmIoctl[name], arg);
  }

  /** The backend's counters for this fd merged with the ioctls issued on it. */
  counters(): Record<string, number> {
    const merged = new Counters();
    if (this.open) for (const [k, v] of Object.entries(this.backend.counters(this.fd))) merged.inc(k, v);
    for (const [k, v] of Object.entries(this.ioctls.snapshot())) merged.inc(k, v);
    return merged.snapshot();
  }

  /** Closes the fd; a second close is a no-op. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.backend.close(this.fd);
  }
}
