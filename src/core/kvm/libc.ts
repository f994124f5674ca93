/**
 * The few libc calls the /dev/kvm backend needs, bound with koffi. Each
 * wrapper returns the raw result; callers turn -1 into a KvmError with
 * `errno()`. Constants are the Linux x86-64 values (asm-generic/fcntl.h,
 * asm-generic/mman-common.h, linux/mman.h).
 */
import koffi from 'koffi';

const lib = koffi.load('libc.so.6');

const openFn = lib.func('int open(const char *path, int flags)');
const closeFn = lib.func('int close(int fd)');
// ioctl is variadic in C; all our arguments are integer-class, passed in
// registers, so a fixed three-argument prototype is ABI-compatible.
const ioctlPtr = lib.func('ioctl', 'int', ['int', 'unsigned long', 'void *']);
const ioctlInt = lib.func('ioctl', 'int', ['int', 'unsigned long', 'unsigned long']);
const mmapFn = lib.func('void *mmap(void *addr, size_t len, int prot, int flags, int fd, long off)');
const munmapFn = lib.func('int munmap(void *addr, size_t len)');

export const O_RDWR = 0o2;
export const O_CLOEXEC = 0o2000000;
export const PROT_READ = 0x1;
export const PROT_WRITE = 0x2;
export const MAP_SHARED = 0x01;
export const MAP_PRIVATE = 0x02;
export const MAP_ANONYMOUS = 0x20;
export const MAP_NORESERVE = 0x4000;
/** (void *)-1 */
const MAP_FAILED = (1n << 64n) - 1n;

/** errno of the last failed call on this thread (koffi saves it right after each call). */
export function errno(): number {
  return koffi.errno();
}

export function open(path: string, flags: number): number {
  return openFn(path, flags) as number;
}

export function close(fd: number): number {
  return closeFn(fd) as number;
}

/** ioctl(fd, request, buf): buf is copied in and back out by koffi (struct by pointer). */
export function ioctl(fd: number, request: number, buf: Uint8Array | null): number {
  return ioctlPtr(fd, request, buf) as number;
}

/** ioctl(fd, request, value) for requests that take an integer argument (KVM_CREATE_VCPU, KVM_CHECK_EXTENSION). */
export function ioctlValue(fd: number, request: number, value: number | bigint): number {
  return ioctlInt(fd, request, value) as number;
}

/**
 * ioctl on a koffi worker thread, for a blocking KVM_RUN that must not stall
 * the event loop. Resolves with [result, errno].
 */
export function ioctlAsync(fd: number, request: number): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    ioctlPtr.async(fd, request, null, (err: unknown, res: number) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve([res, res < 0 ? koffi.errno() : 0]);
    });
  });
}

/** mmap; returns the address as a BigInt, or null on MAP_FAILED (read errno()). */
export function mmap(len: number, prot: number, flags: number, fd: number, offset = 0): bigint | null {
  const p = mmapFn(null, len, prot, flags, fd, offset);
  const addr = koffi.address(p);
  return addr === MAP_FAILED ? null : addr;
}

export function munmap(addr: bigint, len: number): number {
  return munmapFn(addr, len) as number;
}

/** A zero-copy ArrayBuffer over `len` bytes of host memory at `addr` (valid until munmap). */
export function view(addr: bigint, len: number): ArrayBuffer {
  return koffi.view(addr, len);
}
