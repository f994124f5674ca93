/**
 * The XMM register file (SDM Vol. 1 §10.2.2): sixteen 128-bit registers in
 * one ArrayBuffer, seen through typed-array views, plus scratch slots that
 * the instruction handlers and the SSE core use so that no operation
 * allocates. Register r occupies bytes 16·r … 16·r+15; its element k of a
 * view with E-byte elements is at index r·16/E + k (x86 element order; the
 * views are little-endian like every host Node runs on here).
 *
 *   XMM_SRC  a 128-bit memory operand is loaded here, then passed as `src`
 *   XMM_RES  packed/scalar drivers build their result here; it reaches the
 *            destination only when no unmasked exception occurred
 *   XMM_TMP  scratch for multi-step operations (DPPS, horizontal ops)
 */
export const XMM_REGS = 16;
export const XMM_SRC = 16;
export const XMM_RES = 17;
export const XMM_TMP = 18;
export const XMM_TMP2 = 19;
export const XMM_SLOTS = 20;

export class XmmFile {
  readonly buf = new ArrayBuffer(XMM_SLOTS * 16);
  readonly u8 = new Uint8Array(this.buf);
  readonly i8 = new Int8Array(this.buf);
  readonly u16 = new Uint16Array(this.buf);
  readonly i16 = new Int16Array(this.buf);
  readonly u32 = new Uint32Array(this.buf);
  readonly i32 = new Int32Array(this.buf);
  readonly f32 = new Float32Array(this.buf);
  readonly f64 = new Float64Array(this.buf);

  /** Copy register `src` to register `dst` (all 128 bits). */
  copy(dst: number, src: number): void {
    const u = this.u32, d = dst * 4, s = src * 4;
    u[d] = u[s];
    u[d + 1] = u[s + 1];
    u[d + 2] = u[s + 2];
    u[d + 3] = u[s + 3];
  }
}
