/**
 * Whether the /dev/kvm suites can run here. Each suite calls `kvmSkipReason`
 * at load and passes the result to `describe.skipIf`, so a skip is always
 * printed with its cause, never silent.
 */
import { KvmSystem } from '../../../src/core/kvm/device.ts';

const availability = KvmSystem.available();

/** undefined when /dev/kvm works; otherwise the reason, already printed. */
export function kvmSkipReason(suite: string): string | undefined {
  if (availability.ok) return undefined;
  console.warn(`[skip] ${suite}: /dev/kvm unavailable: ${availability.reason}`);
  return availability.reason;
}
