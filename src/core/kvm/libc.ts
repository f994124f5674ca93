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
const getpidFn = lib.func('int getpid(void)');
const tgkillFn = lib.func('int tgkill(int tgid, int tid, int sig)');
// struct sigaction is passed as raw bytes (glibc x86-64 layout: sa_handler
// at 0, sa_mask 128 bytes at 8, sa_flags at 136, sa_restorer at 144).
const sigactionFn = lib.func('sigaction', 'int', ['int', 'void *', 'void *']);

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
export function ioctlAsync(fd: number, request: number, buf: Uint8Array | null = null): Promise<[number, number]> {
  return new Promise((resolve, reject) => {
    ioctlPtr.async(fd, request, buf, (err: unknown, res: number) => {
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

export function getpid(): number {
  return getpidFn() as number;
}

/** tgkill(2): send `sig` to one thread of this process. */
export function tgkill(tgid: number, tid: number, sig: number): number {
  return tgkillFn(tgid, tid, sig) as number;
}

const SIGACTION_SIZE = 152;
const SIG_IGN = 1n;

/**
 * sigaction(sig, SIG_IGN). Setting SIG_IGN also discards every pending
 * instance of `sig` in every thread, blocked or not (POSIX; kernel
 * do_sigaction), which is how a kick signal left pending is flushed.
 */
export function ignoreSignal(sig: number): number {
  const act = new Uint8Array(SIGACTION_SIZE);
  new DataView(act.buffer).setBigUint64(0, SIG_IGN, true);
  return sigactionFn(sig, act, null) as number;
}

/**
 * Discards every pending instance of `sig` in every thread, keeping its
 * handler: sigaction(SIG_IGN) (which flushes) then the previous action back.
 */
export function flushPendingSignal(sig: number): number {
  const old = new Uint8Array(SIGACTION_SIZE);
  if ((sigactionFn(sig, null, old) as number) < 0) return -1;
  if (ignoreSignal(sig) < 0) return -1;
  return sigactionFn(sig, old, null) as number;
}
