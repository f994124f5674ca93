/** xorshift32 with a fixed seed (Marsaglia 2003): the same sequence on every run; returns an integer below n. */
export function prng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return Math.floor(((s >>> 0) / 4294967296) * n);
  };
}
