/**
 * Turns a stream of file events per database into re-reads: an event
 * schedules a read once the events around it have arrived (`coalesceMs`, so
 * a burst — one commit touches the -wal and the -shm — costs one read) and
 * at least `intervalMs` after the previous read began; events during that
 * wait join it; events during the read schedule one more after it. A writer
 * committing 20 times a second therefore gets a read every interval while it
 * writes (a debounce would wait for it to stop), and one last read after its
 * final commit. No vscode import: tested alone.
 */
export class RefreshThrottle {
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private readonly reading = new Map<string, boolean>();
  private readonly startedAt = new Map<string, number>();

  constructor(private readonly read: (key: string) => Promise<void>, private readonly intervalMs: number, private readonly coalesceMs = Math.min(100, intervalMs)) {}

  poke(key: string): void {
    if (this.waiting.has(key)) return;
    if (this.reading.has(key)) {
      this.reading.set(key, true);
      return;
    }
    const wait = Math.max(this.coalesceMs, (this.startedAt.get(key) ?? -Infinity) + this.intervalMs - Date.now());
    this.waiting.set(key, setTimeout(() => void this.run(key), wait));
  }

  private async run(key: string): Promise<void> {
    this.waiting.delete(key);
    this.reading.set(key, false);
    this.startedAt.set(key, Date.now());
    try {
      await this.read(key);
    } finally {
      const again = this.reading.get(key);
      this.reading.delete(key);
      if (again) this.poke(key);
    }
  }

  dispose(): void {
    for (const t of this.waiting.values()) clearTimeout(t);
    this.waiting.clear();
  }
}
