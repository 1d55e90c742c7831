import { preciseStat } from '../os/fileio';
import { LockHolder, readLockHolders } from './lockHolders';
import { Log, SILENT } from '../../shared/log';
import { DatabaseState, readDatabaseState } from '../disk/state';
import { WalFollower } from '../disk/walFollower';

/**
 * Samples a database a few times a second from metadata, the -shm header and
 * /proc only — never a connection, never a lock — and keeps the last ten
 * minutes: -wal size, frames not yet checkpointed, frames backfilled, who
 * holds it. A checkpoint shows as backfill moving forward or the log
 * restarting. Used by `sqlite-doctor watch` and the panel's live view.
 */
export interface LiveSample {
  at: number;
  walBytes: number;
  lastFrame: number;
  backfilled: number;
  pendingFrames: number;
  frameBytes: number;
  /** A checkpoint happened since the previous sample. */
  checkpoint: boolean;
  holders: LockHolder[];
  diagnosis: string[];
}

export interface SamplerOptions {
  intervalMs?: number;
  historyMs?: number;
  /** Processes that have the files open without a lock are looked for this often (a walk of /proc/PID/fd). */
  openFilesEveryMs?: number;
  /** The full state (WAL walk) is re-read this often. */
  stateEveryMs?: number;
  /**
   * When set, a tick first stats the database, its -wal and -shm, and
   * samples (the -shm header, /proc) only when one of them changed, or when
   * this long passed since the last sample (a lock taken without a write).
   * Unset: every tick samples (the CLI's watch).
   */
  quietSampleEveryMs?: number;
  /** Shared with whoever else re-reads this database's state (the workspace model): each WAL frame is then checked once, not once per reader. */
  walFollower?: WalFollower;
  log?: Log;
}

export class LiveSampler {
  private readonly history: LiveSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private state: { value: DatabaseState; at: number } | undefined;
  private openFilesAt = 0;
  private lastHolders: LockHolder[] = [];
  private busy = false;
  private filesKey = '';
  private changedSinceWalk = true;
  private sampledAt = 0;
  /** State re-reads check only the WAL frames appended since the last one. */
  private readonly follower: WalFollower;
  private readonly intervalMs: number;
  private readonly historyMs: number;
  private readonly openFilesEveryMs: number;
  private readonly stateEveryMs: number;
  private readonly quietSampleEveryMs: number | undefined;
  private readonly log: Log;

  constructor(readonly file: string, private readonly onSample: (s: LiveSample) => void, options: SamplerOptions = {}) {
    this.intervalMs = options.intervalMs ?? 250;
    this.historyMs = options.historyMs ?? 600_000;
    this.openFilesEveryMs = options.openFilesEveryMs ?? 5000;
    this.stateEveryMs = options.stateEveryMs ?? 5000;
    this.quietSampleEveryMs = options.quietSampleEveryMs;
    this.log = options.log ?? SILENT;
    this.follower = options.walFollower ?? new WalFollower('index-if-large');
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  samples(): LiveSample[] {
    return [...this.history];
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    void this.tick();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One sample now (also what each tick does). Overlapping ticks are skipped, never queued. */
  async tick(): Promise<LiveSample | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    try {
      const now = Date.now();
      if (this.quietSampleEveryMs !== undefined && !(await this.dueOrChanged(now))) return undefined;
      if (!this.state || now - this.state.at >= this.stateEveryMs) this.state = { value: await readDatabaseState(this.file, { walFollower: this.follower }), at: now };
      // A walk of every process's fds is the costly part: for files that did not change, a few times a minute at most.
      const quiet = this.quietSampleEveryMs !== undefined && !this.changedSinceWalk;
      const openFiles = now - this.openFilesAt >= this.openFilesEveryMs * (quiet ? QUIET_WALK_FACTOR : 1);
      if (openFiles) {
        this.openFilesAt = now;
        this.changedSinceWalk = false;
      }
      const r = await readLockHolders(this.file, { state: this.state.value, openFiles });
      // Processes seen only through their open files keep being listed between fd walks while they hold no lock.
      const holders = openFiles ? r.processes : mergeHolders(r.processes, this.lastHolders);
      this.lastHolders = holders;
      const prev = this.history.at(-1);
      const lastFrame = r.wal?.lastFrame ?? 0;
      const backfilled = r.wal?.backfilled ?? 0;
      const sample: LiveSample = {
        at: now,
        walBytes: r.wal?.bytes ?? 0,
        lastFrame,
        backfilled,
        pendingFrames: r.wal?.pendingFrames ?? 0,
        frameBytes: r.wal?.frameBytes ?? this.state.value.pageSize + 24,
        checkpoint: !!prev && (backfilled > prev.backfilled || lastFrame < prev.lastFrame),
        holders,
        diagnosis: r.diagnosis,
      };
      this.history.push(sample);
      while (this.history.length && this.history[0]!.at < now - this.historyMs) this.history.shift();
      this.onSample(sample);
      return sample;
    } catch (err) {
      this.log.warn(`sampling ${this.file} failed: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    } finally {
      this.busy = false;
    }
  }
  /** A stat of each file: did anything change, or is a quiet sample due? */
  private async dueOrChanged(now: number): Promise<boolean> {
    const key = await filesKey(this.state?.value.realPath ?? this.file);
    const changed = key !== this.filesKey;
    const due = changed || now - this.sampledAt >= this.quietSampleEveryMs!;
    if (changed) this.changedSinceWalk = true;
    this.filesKey = key;
    if (due) this.sampledAt = now;
    return due;
  }
}

/** With quietSampleEveryMs: files unchanged since the last walk of open files are walked again only after this many openFilesEveryMs. */
const QUIET_WALK_FACTOR = 6;

/** Size, time and identity of the database's files: what a commit, a checkpoint or a restart changes. */
async function filesKey(file: string): Promise<string> {
  const stats = await Promise.all([file, `${file}-wal`, `${file}-shm`].map(preciseStat));
  return stats.map((st) => (st ? `${st.ino}:${st.size}:${st.mtimeNs}` : '-')).join('|');
}

function mergeHolders(withLocks: LockHolder[], before: LockHolder[]): LockHolder[] {
  const seen = new Set(withLocks.map((p) => p.pid));
  const kept = before.filter((p) => !seen.has(p.pid) && p.role === 'open' && processAlive(p.pid));
  return [...withLocks, ...kept].sort((a, b) => a.pid - b.pid);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}
