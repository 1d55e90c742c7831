/**
 * The panel's detail of one database, as a service: it keeps the last
 * detail per database with the files' identity it was made from, answers
 * from that while the files are unchanged, and runs at most one inspection
 * per database at a time. Files that change during an inspection queue one
 * follow-up after a cool-down (an app writing 20 times a second still gets
 * a fresh detail every second or so, instead of an inspection that is
 * restarted forever); an explicit refresh or a write (invalidate) kills the
 * running inspection, whose input is known to be outdated — the latest
 * request wins. No vscode import: tested alone; StatusPanel adapts it.
 */
import type { DatabaseDetail } from '../../shared/protocol';
import { describeError } from '../../sqlite/os/errors';
import { isAbortError } from '../../sqlite/engines/engine';
import { Log, SILENT } from '../../shared/log';
import { activity } from './activity';

export type DetailBody = Omit<DatabaseDetail, 'id' | 'loading'>;

export interface DetailDeps {
  /** Cheap identity of the database's files right now (metadata only). */
  identity(id: string): Promise<string>;
  /** The full detail; must stop its work (kill its child) when `signal` aborts. */
  inspect(id: string, signal: AbortSignal): Promise<DetailBody>;
  /** What every detail carries before the report is in (explanations, snippets). */
  base(id: string): DetailBody;
  log?: Log;
}

interface Run {
  identity: string;
  controller: AbortController;
  startedAt: number;
  done: Promise<DatabaseDetail | undefined>;
}

/** Between two inspections of a database that keeps changing: at least this, and at least as long as the last one took. */
const MIN_COOL_DOWN_MS = 500;

export class DetailService {
  private readonly cache = new Map<string, { identity: string; detail: DatabaseDetail }>();
  private readonly running = new Map<string, Run>();
  private readonly followUps = new Map<string, Promise<DatabaseDetail | undefined>>();
  private generation = 0;
  private readonly log: Log;
  /** Inspections started, per database (for the log and the tests). */
  readonly started = new Map<string, number>();

  constructor(private readonly deps: DetailDeps) {
    this.log = deps.log ?? SILENT;
  }

  /** The last detail made for this database, current or not (shown while a fresh one is made). */
  last(id: string): DatabaseDetail | undefined {
    return this.cache.get(id)?.detail;
  }

  /** What to show before a request answers: the last detail, or a loading one. */
  placeholder(id: string): DatabaseDetail {
    return this.last(id) ?? { id, loading: true, ...this.deps.base(id) };
  }

  /**
   * The detail for the files as they are now. Unchanged files: the cached
   * detail, no inspection. A request while an inspection of the same files
   * runs joins it; one while an inspection of older files runs waits for
   * the single follow-up. Resolves undefined when the work was cancelled
   * (invalidate, cancelAll).
   */
  async request(id: string): Promise<DatabaseDetail | undefined> {
    const generation = this.generation;
    const identity = await this.deps.identity(id).catch(() => `unreadable:${Date.now()}`);
    // Cancelled (cancelAll) while the files were being looked at: start nothing.
    if (generation !== this.generation) return undefined;
    const hit = this.cache.get(id);
    if (hit && hit.identity === identity) return hit.detail;
    const run = this.running.get(id);
    if (run && run.identity === identity) return run.done;
    if (run) return this.followUp(id, run);
    return this.followUps.get(id) ?? this.start(id, identity).done;
  }

  /**
   * Forget what is known of these databases and kill their running
   * inspections (a write happened, the user asked to refresh): the next
   * request starts afresh — the latest request wins.
   */
  invalidate(ids: readonly string[]): void {
    for (const id of ids) {
      this.cache.delete(id);
      const run = this.running.get(id);
      if (run) {
        this.log.info(`inspection of ${id} cancelled: superseded by a newer request`);
        run.controller.abort();
        this.running.delete(id);
      }
    }
  }

  /** Cancels every running and queued inspection (nobody shows them any more); the cache stays. */
  cancelAll(): void {
    this.generation++;
    for (const run of this.running.values()) run.controller.abort();
    this.running.clear();
    this.followUps.clear();
  }

  private followUp(id: string, run: Run): Promise<DatabaseDetail | undefined> {
    let next = this.followUps.get(id);
    if (!next) {
      const generation = this.generation;
      next = run.done.then(async () => {
        await new Promise((r) => setTimeout(r, Math.max(MIN_COOL_DOWN_MS, Date.now() - run.startedAt)));
        if (this.followUps.get(id) === next) this.followUps.delete(id);
        return generation === this.generation ? this.request(id) : undefined;
      });
      this.followUps.set(id, next);
    }
    return next;
  }

  private start(id: string, identity: string): Run {
    const controller = new AbortController();
    this.started.set(id, (this.started.get(id) ?? 0) + 1);
    activity.count('inspections');
    const began = Date.now();
    this.log.info(`inspecting ${id}`);
    const run: Run = { identity, controller, startedAt: began, done: Promise.resolve(undefined) };
    this.running.set(id, run);
    run.done = (async (): Promise<DatabaseDetail | undefined> => {
      await Promise.resolve(); // registered as running before any of the work begins
      let detail: DatabaseDetail;
      try {
        detail = { id, loading: false, asOf: began, ...(await this.deps.inspect(id, controller.signal)) };
        this.log.info(`inspected ${id} in ${Date.now() - began} ms`);
      } catch (err) {
        if (isAbortError(err) || controller.signal.aborted) return undefined;
        this.log.error(`inspection of ${id} failed after ${Date.now() - began} ms: ${describeError(err)}`);
        detail = { id, loading: false, ...this.deps.base(id), error: describeError(err, id) };
      } finally {
        if (this.running.get(id)?.controller === controller) this.running.delete(id);
      }
      if (controller.signal.aborted) return undefined;
      this.cache.set(id, { identity, detail });
      return detail;
    })();
    return run;
  }
}
