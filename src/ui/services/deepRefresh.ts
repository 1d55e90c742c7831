/**
 * When the panel re-makes the deep detail (tables, row counts, integrity) of
 * the database it shows. Deep details are not live data: while an app keeps
 * writing, the header-level facts follow it live (the grid, the live view)
 * and the deep detail is made again once the writes pause for `quietMs`, or
 * when it is `maxAgeMs` old during sustained writes, or when the person asks
 * (Refresh, an action). Never just because the database keeps changing, and
 * nothing while the panel is hidden. No vscode import; the clock is given,
 * so the scheduling is tested alone.
 */
export interface Timers {
  now(): number;
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const REAL_TIMERS: Timers = {
  now: () => Date.now(),
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export const QUIET_MS = 2000;
export const MAX_AGE_MS = 30_000;

export class DeepRefreshSchedule {
  /** When the detail shown was made (its files as of then). */
  private madeAt: number | undefined;
  /** The first and the last change since then. */
  private firstChangeAt: number | undefined;
  private lastChangeAt: number | undefined;
  private timer: unknown;
  private active = false;

  /**
   * `inspect`: make the detail now. `onWriting`: whether files changed since
   * the detail shown was made (the panel says how old it is).
   */
  constructor(
    private readonly inspect: () => void,
    private readonly onWriting: (writing: boolean) => void = () => undefined,
    private readonly timers: Timers = REAL_TIMERS,
    readonly quietMs = QUIET_MS,
    readonly maxAgeMs = MAX_AGE_MS,
  ) {}

  /** Files changed since the detail shown was made. */
  get writing(): boolean {
    return this.lastChangeAt !== undefined;
  }

  /** Visible: changes seen while hidden are caught up with; hidden: nothing runs. */
  setActive(active: boolean): void {
    this.active = active;
    this.arm();
  }

  /** Another database is shown: its detail is made now. */
  now(): void {
    this.disarm();
    const wasWriting = this.writing;
    this.madeAt = this.timers.now();
    this.firstChangeAt = this.lastChangeAt = undefined;
    if (wasWriting) this.onWriting(false);
    this.inspect();
  }

  /** The database's files changed. */
  changed(): void {
    const now = this.timers.now();
    const wasWriting = this.writing;
    this.firstChangeAt ??= now;
    this.lastChangeAt = now;
    if (!wasWriting) this.onWriting(true);
    this.arm();
  }

  dispose(): void {
    this.active = false;
    this.disarm();
  }

  private arm(): void {
    this.disarm();
    if (!this.active || this.lastChangeAt === undefined) return;
    const quiet = this.lastChangeAt + this.quietMs;
    // Sustained writes: at most one detail per maxAgeMs, counted from the older of the detail and the first change.
    const aged = Math.max(this.madeAt ?? -Infinity, this.firstChangeAt!) + this.maxAgeMs;
    const due = Math.min(quiet, aged);
    this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.now();
    }, Math.max(0, due - this.timers.now()));
  }

  private disarm(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }
}
