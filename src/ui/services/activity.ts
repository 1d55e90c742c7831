/**
 * Counts of what the extension does on its own (file events, state reads,
 * view updates, inspections, live samples), logged every 10 s while anything
 * happened: what a busy app costs us is read from the log, by a person, the
 * bench and the e2e. One per extension host. No vscode import.
 */
import type { Log } from '../../shared/log';

export type ActivityKind =
  | 'file events'
  | 'state reads'
  | 'wal bytes read'
  | 'model changes'
  | 'tree refreshes'
  | 'webview messages'
  | 'inspections'
  | 'live samples';

const ORDER: readonly ActivityKind[] = ['file events', 'state reads', 'wal bytes read', 'model changes', 'tree refreshes', 'webview messages', 'inspections', 'live samples'];

export class Activity {
  private counts = new Map<ActivityKind, number>();
  private since = Date.now();
  private timer: NodeJS.Timeout | undefined;

  count(kind: ActivityKind, n = 1): void {
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + n);
  }

  /** Logs the counts every `everyMs` while there are any. */
  start(log: Log, everyMs = 10_000): { dispose(): void } {
    this.since = Date.now();
    this.timer = setInterval(() => this.flush(log), everyMs);
    this.timer.unref?.();
    return { dispose: () => clearInterval(this.timer) };
  }

  /** "activity in 10.0 s: file events 412, state reads 40, …"; nothing when nothing happened. */
  line(now = Date.now()): string | undefined {
    if (!this.counts.size) return undefined;
    const parts = ORDER.filter((k) => this.counts.has(k)).map((k) => `${k} ${this.counts.get(k)}`);
    return `activity in ${((now - this.since) / 1000).toFixed(1)} s: ${parts.join(', ')}`;
  }

  private flush(log: Log): void {
    const now = Date.now();
    const line = this.line(now);
    if (line) log.info(line);
    this.counts.clear();
    this.since = now;
  }
}

/** The extension host's one counter set. */
export const activity = new Activity();
