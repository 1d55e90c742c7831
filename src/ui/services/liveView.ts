/**
 * The panel's live view as a service: samples the selected database while
 * the panel is visible (stopped when hidden or closed), folds samples into
 * one point per second for the last ten minutes, and hands the panel an
 * update at most twice a second when something changed, else one every five
 * seconds so the time axis moves.
 * No vscode import: tested alone.
 */
import type { LiveView } from '../../shared/protocol';
import { LiveSample, LiveSampler, SamplerOptions } from '../../sqlite/live/liveSampler';
import type { WalFollower } from '../../sqlite/disk/walFollower';
import { activity } from './activity';

const POINT_MS = 1000;
/** Updates go out at most this often: twice a second, so the chart moves at least once a second despite timer jitter. */
const POST_MS = 500;
/** A quiet database still gets its time axis moved this often. */
const HEARTBEAT_MS = 5000;

export function toPoints(samples: readonly LiveSample[]): LiveView['points'] {
  const points: LiveView['points'] = [];
  for (const s of samples) {
    const t = Math.floor(s.at / POINT_MS) * POINT_MS;
    const last = points.at(-1);
    if (last && last[0] === t) {
      last[1] = s.walBytes;
      last[2] = s.pendingFrames;
      last[3] = last[3] || (s.checkpoint ? 1 : 0);
    } else {
      points.push([t, s.walBytes, s.pendingFrames, s.checkpoint ? 1 : 0]);
    }
  }
  return points;
}

export class LiveViewService {
  private sampler: LiveSampler | undefined;
  private lastSent = '';
  private lastPostAt = 0;
  private pending: NodeJS.Timeout | undefined;

  /**
   * Samples as often as an update may go out (a sample in between would
   * never be shown: points fold into seconds), only when the files changed
   * (a stat each tick), else every 5 s; processes' open files every 10 s.
   */
  private readonly options: SamplerOptions;

  /** `followerOf`: the WAL follower others already keep for a database (the model's), so its frames are not checked twice. */
  constructor(private readonly post: (live: LiveView) => void, options: SamplerOptions = {}, private readonly followerOf?: (id: string) => WalFollower) {
    this.options = { intervalMs: POST_MS, quietSampleEveryMs: HEARTBEAT_MS, openFilesEveryMs: 10_000, ...options };
  }

  /** Watch this database (stops watching any other). */
  watch(id: string): void {
    if (this.sampler?.file === id) return this.sampler.start();
    this.stop();
    this.lastSent = '';
    this.sampler = new LiveSampler(id, () => this.changed(), { ...this.options, walFollower: this.followerOf?.(id) });
    this.sampler.start();
  }

  /** Pause (the panel is hidden); history already sampled is kept for when it shows again. */
  pause(): void {
    this.sampler?.stop();
    clearTimeout(this.pending);
    this.pending = undefined;
  }

  stop(): void {
    this.pause();
    this.sampler = undefined;
  }

  get watching(): string | undefined {
    return this.sampler?.running ? this.sampler.file : undefined;
  }

  private changed(): void {
    activity.count('live samples');
    if (this.pending) return;
    const wait = Math.max(0, this.lastPostAt + POST_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.flush();
    }, wait);
  }

  private flush(): void {
    const sampler = this.sampler;
    if (!sampler) return;
    const samples = sampler.samples();
    const latest = samples.at(-1);
    if (!latest) return;
    const live: LiveView = { id: sampler.file, points: toPoints(samples), frameBytes: latest.frameBytes, holders: latest.holders, diagnosis: latest.diagnosis };
    // Only what a person would see change: the latest point, the holders and the words.
    const key = JSON.stringify([live.id, live.points.at(-1)?.slice(1), live.holders, live.diagnosis]);
    if (key === this.lastSent && Date.now() - this.lastPostAt < HEARTBEAT_MS) return;
    this.lastSent = key;
    this.lastPostAt = Date.now();
    this.post(live);
  }
}
