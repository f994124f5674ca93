/**
 * Recording and going back in time over a MachineHistory (issue 15):
 * snapshots placed by retired-instruction count, and `goto(icount)` =
 * restore the nearest snapshot at or before it, then run forward exactly the
 * difference with the instruction budget. Whoever drives the machine passes
 * `advance(n)`, which runs exactly n instructions (fewer only if the guest
 * stops) and returns how many retired.
 *
 * Nondeterministic inputs (the host setting registers or memory, injecting
 * an interrupt, console input) are recorded as snapshots: `input()` after
 * the change forks the future — the snapshots after now are discarded and
 * one is taken of the changed state, marked as an input. A replay that
 * runs up to an input's icount restores that snapshot there (the input
 * happens again where it was given), so at an input's icount the machine
 * is always the state with the input in it.
 *
 * `extra` carries state outside the backend that the guest's future also
 * depends on (the VMM's devices: the console's transcript, the exit port,
 * its counters), captured and restored with each snapshot.
 *
 * Memory: snapshots are spaced at least `interval` instructions apart; when
 * the total passes `memoryCap`, every other snapshot (never the first or the
 * last) is dropped and the interval doubles (adaptive spacing).
 */
import type { MachineHistory, MachineSnapshot } from './history.ts';

export interface ExtraState {
  capture(): unknown;
  restore(s: unknown): void;
}

export interface TimelineOptions {
  /** Instructions between snapshots to start with (default 50,000: a replay of that many takes ~25 ms on emu). */
  interval?: number;
  /** Bytes the snapshots may hold before they are thinned (default 256 MiB). */
  memoryCap?: number;
}

interface Point {
  readonly icount: number;
  readonly machine: MachineSnapshot;
  readonly extra: unknown;
  /** Taken by input(): the state with the host's input in it, which running up to this icount from before cannot make. */
  readonly input: boolean;
}

export const DEFAULT_RECORD_INTERVAL = 50_000;
export const DEFAULT_RECORD_MEMORY = 256 * 1024 * 1024;

export class Timeline {
  private readonly points: Point[] = [];
  interval: number;
  memoryCap: number;
  /** Snapshots dropped to stay under the cap, since recording started. */
  thinned = 0;

  constructor(
    private readonly history: MachineHistory,
    private readonly extra: ExtraState,
    private readonly advance: (n: number) => number,
    opts: TimelineOptions = {},
  ) {
    this.interval = opts.interval ?? DEFAULT_RECORD_INTERVAL;
    this.memoryCap = opts.memoryCap ?? DEFAULT_RECORD_MEMORY;
    this.take();
  }

  /** The machine's time now. */
  get icount(): number {
    return this.history.icount();
  }

  /** Where recording started: nothing before it can be reached. */
  get start(): number {
    return this.points[0].icount;
  }

  /** The latest instruction count recorded (the end of the recorded future). */
  get end(): number {
    return Math.max(this.points[this.points.length - 1].icount, this.frontier);
  }
  /** The furthest point reached on the current line of time. */
  private frontier = 0;

  get snapshots(): readonly number[] {
    return this.points.map((p) => p.icount);
  }

  memoryBytes(): number {
    return this.history.memoryBytes();
  }

  /** True when now is inside the recorded history (going forward replays it). */
  get replaying(): boolean {
    return this.icount < this.frontier;
  }

  /**
   * The machine reached the current point by running forward: take a
   * snapshot if it is time to (at or past the last one + interval). Past the
   * last snapshot that holds for a replay too: a stretch someone ran in one
   * long command gets its snapshots the first time it is replayed.
   */
  reached(): void {
    const now = this.icount;
    if (now > this.frontier) this.frontier = now;
    const [before, after] = this.around(now);
    if (now >= before.icount + this.interval && (after === undefined || after.icount > now)) this.take();
  }

  /** The last point at or before `icount`, and the first after it. */
  private around(icount: number): [Point, Point | undefined] {
    let k = 0;
    while (k + 1 < this.points.length && this.points[k + 1].icount <= icount) k++;
    return [this.points[k], this.points[k + 1]];
  }

  /** Run forward `n` instructions, taking snapshots on the way; returns how many retired. */
  forward(n: number): number {
    let done = 0;
    while (done < n) {
      // One interval at a time from the last snapshot, or to the next one if nearer: a stretch
      // without snapshots (one long command ran it) gets them the first time it is replayed.
      const [before, after] = this.around(this.icount);
      let stop = before.icount + this.interval;
      if (after !== undefined && after.icount < stop) stop = after.icount;
      const step = Math.min(n - done, Math.max(1, stop - this.icount));
      const ran = this.advance(step);
      done += ran;
      // Arrived at an input from before it: the input happens here.
      if (ran > 0) this.arriveAtInput();
      this.reached();
      if (ran < step) break;
    }
    return done;
  }

  /**
   * Where `reached()` would next take a snapshot running forward from now
   * (or the next snapshot's icount, when that comes first: a run stops
   * there to count the interval from it).
   */
  nextDue(): number {
    const [before, after] = this.around(this.icount);
    const due = before.icount + this.interval;
    return after !== undefined && after.icount <= due ? after.icount : due;
  }

  /** The icount of the next input on the recorded future after now (a forward run must reach it exactly), or null. */
  nextInput(): number | null {
    const now = this.icount;
    return this.points.find((p) => p.input && p.icount > now)?.icount ?? null;
  }

  /**
   * Having run up to an input's icount from before it: the input happens —
   * its snapshot (the state with the input in it) is restored. Returns
   * whether there was one here.
   */
  arriveAtInput(): boolean {
    const now = this.icount;
    const p = this.points.find((q) => q.input && q.icount === now);
    if (p === undefined) return false;
    this.restorePoint(p);
    return true;
  }

  /** Go to instruction count `target` (start ≤ target); forward of the recorded end records on. */
  goto(target: number): void {
    if (target < this.start) throw new RangeError(`icount ${target} is before the recording started (${this.start})`);
    const now = this.icount;
    if (target >= now && (target <= this.frontier || now >= this.frontier)) {
      this.forward(target - now);
      return;
    }
    let p = this.points[0];
    for (const q of this.points) if (q.icount <= target) p = q;
    if (!(p.icount <= now && now <= target)) this.restorePoint(p);
    this.forward(target - this.icount);
  }

  /**
   * The host changed the machine's state now (an input): the recorded future
   * is gone and a new one starts here. Returns whether a future was discarded.
   */
  input(): boolean {
    const now = this.icount;
    let forked = this.frontier > now;
    while (this.points.length > 1 && this.points[this.points.length - 1].icount >= now) {
      this.history.discard(this.points.pop()!.machine);
      forked = true;
    }
    if (this.points.length === 1 && this.points[0].icount >= now) {
      // The change is at the first snapshot: that snapshot becomes the changed state.
      this.history.discard(this.points.pop()!.machine);
    }
    this.frontier = now;
    this.take(true);
    return forked;
  }

  /** Stop recording: every snapshot is discarded (a later Timeline on the same history starts clean). */
  close(): void {
    while (this.points.length > 0) this.history.discard(this.points.pop()!.machine);
  }

  private restorePoint(p: Point): void {
    // The snapshots are one line in time: restoring one keeps the later ones for replay.
    this.history.restore(p.machine);
    this.extra.restore(p.extra);
  }

  private take(input = false): void {
    const machine = this.history.snapshot();
    const p = { icount: machine.icount, machine, extra: this.extra.capture(), input };
    const k = this.points.findIndex((q) => q.icount > p.icount);
    this.points.splice(k < 0 ? this.points.length : k, 0, p);
    if (this.points.length === 1) this.frontier = machine.icount;
    if (this.history.memoryBytes() > this.memoryCap) this.thin();
  }

  /** Over the cap: drop every other snapshot but the first, the last and the inputs', and space them twice as far. */
  private thin(): void {
    const keep: Point[] = [];
    this.points.forEach((p, i) => {
      // An input's snapshot is the only record of that input: never dropped.
      if (i === 0 || i === this.points.length - 1 || i % 2 === 0 || p.input) keep.push(p);
      else {
        this.history.discard(p.machine);
        this.thinned++;
      }
    });
    this.points.splice(0, this.points.length, ...keep);
    this.interval *= 2;
  }
}
