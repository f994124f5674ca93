/**
 * /dev/kvm through the uAPI classes: `KvmSystem.open()` is `openKvm(new
 * KvmBackend())`, and `KvmSystem.available()` says whether a VM can be
 * created here and, if not, why. The classes themselves live in src/core/api.
 */
import { Kvm } from '../api/kvm.ts';
import { Errno, KvmError } from '../uapi/errors.ts';
import { KVM_DEVICE_PATH, KvmBackend } from './backend.ts';

export { KVM_DEVICE_PATH } from './backend.ts';
export type { GuestMemory } from '../api/vm.ts';

export type Availability = { ok: true } | { ok: false; reason: string };

export const KvmSystem = {
  /** Opens /dev/kvm (or `path`) on a fresh KvmBackend and checks API version 12. */
  open(path = KVM_DEVICE_PATH): Kvm {
    return Kvm.open(new KvmBackend(path));
  },

  /** Whether a VM can be created here, and if not, why (device missing, permission, version). */
  available(path = KVM_DEVICE_PATH): Availability {
    let sys: Kvm | undefined;
    try {
      sys = KvmSystem.open(path);
      sys.createVm().close();
      return { ok: true };
    } catch (e) {
      if (!(e instanceof KvmError)) throw e;
      return { ok: false, reason: explainUnavailable(path, e) };
    } finally {
      sys?.close();
    }
  },
};

function explainUnavailable(path: string, e: KvmError): string {
  if (e.ioctl.startsWith('open')) {
    if (e.errno === Errno.ENOENT) return `${path} does not exist (KVM module not loaded, or the device is not passed into this container)`;
    if (e.errno === Errno.EACCES || e.errno === Errno.EPERM) return `no permission to open ${path} (run as root or join the kvm group)`;
  }
  return e.message;
}
