/**
 * The random-number source behind RDRAND and RDSEED on the emulated CPU: a
 * deterministic PRNG, never host randomness, so the same image and inputs
 * give the same run (docs/emu.md, "Time"). sfc32 (Chris Doty-Humphrey's Small
 * Fast Counting generator, PractRand-clean), seeded with a 32-bit value per
 * CPU: `Cpu.rng.seed(n)`; the default seed is 0. Each RDRAND/RDSEED draws one
 * 32-bit output for 16- and 32-bit operands, two (low half first) for 64-bit.
 */
export class DetRng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Restart the sequence from `seed` (sfc32 seeding: 16 rounds discarded; the differential generator's Rng too). */
  seed(seed: number): void {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed | 0;
    for (let k = 0; k < 16; k++) this.next();
  }

  /** The next 32-bit output, as an int32. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t;
  }
}
