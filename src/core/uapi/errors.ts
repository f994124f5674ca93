/**
 * The one error type of the uAPI layer, for both backends: a failed ioctl
 * (or open/mmap) with the kernel's errno passed through unchanged, as
 * rust-vmm's kvm-ioctls returns `errno::Error`.
 */
import { constants } from 'node:os';

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  if (!errnoNames.has(value)) errnoNames.set(value, name);
}

/** Errno numbers by name (node:os constants, the Linux values). */
export const Errno = constants.errno;

/** "EINVAL" for 22; "E<n>" for an errno this platform does not name. */
export function errnoCode(errno: number): string {
  return errnoNames.get(errno) ?? `E${errno}`;
}

export class KvmError extends Error {
  override readonly name = 'KvmError';
  readonly code: string;

  /**
   * @param errno  positive errno value
   * @param ioctl  the failed operation: an ioctl name (KVM_RUN) or a call (open /dev/kvm, mmap)
   * @param detail what the caller was doing, when the errno alone is not enough
   */
  constructor(
    readonly errno: number,
    readonly ioctl: string,
    detail?: string,
  ) {
    const code = errnoCode(errno);
    super(`${ioctl} failed: ${code} (errno ${errno})${detail ? `: ${detail}` : ''}`);
    this.code = code;
  }
}
