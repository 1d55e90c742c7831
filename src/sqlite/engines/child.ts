import { spawn } from 'node:child_process';

/**
 * Every child that runs SQLite (and the CLI the extension runs) is started
 * here. It gets its own process group, and a stop (cancel or deadline)
 * kills the whole group, so nothing it started itself outlives it.
 *
 * A child started by a parent that is itself killed as a group (the CLI run
 * by the extension) stays in that group instead: the parent's killer then
 * reaches it too. The parent says so with GROUP_ENV.
 */
export const GROUP_ENV = 'SQLITE_DOCTOR_IN_KILLED_GROUP';

export interface ChildRun {
  command: string;
  args: string[];
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  /** Wall-clock bound on the whole child; undefined: it runs as long as it needs. */
  deadlineMs?: number;
  /** Aborting stops the child at once. */
  signal?: AbortSignal;
  /** Each line the child prints on stdout, as it comes (progress). */
  onLine?: (line: string) => void;
  /** Called every `tickMs` while the child runs, with its pid (progress by polling). */
  onTick?: (pid: number) => void;
  tickMs?: number;
}

export interface ChildExit {
  /** Why we stopped it, when we did. */
  stop?: 'cancelled' | 'deadline';
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const ownGroup = (): boolean => process.platform !== 'win32' && !process.env[GROUP_ENV];

/**
 * Runs a child to completion, or stops it. Output is collected as bytes and
 * decoded once at the end: a multi-byte UTF-8 character split across two
 * chunks must not become U+FFFD.
 */
export function spawnChild(run: ChildRun): Promise<ChildExit> {
  const started = Date.now();
  if (run.signal?.aborted) return Promise.resolve({ stop: 'cancelled', code: null, stdout: '', stderr: '', ms: 0 });
  return new Promise((resolve, reject) => {
    const group = ownGroup();
    const child = spawn(run.command, run.args, { env: run.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true, detached: group });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let partial = '';
    let stop: ChildExit['stop'];
    const kill = (why: NonNullable<ChildExit['stop']>) => {
      stop ??= why;
      try {
        if (group && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch { /* already gone */ }
    };
    const timer = run.deadlineMs === undefined ? undefined : setTimeout(() => kill('deadline'), run.deadlineMs);
    const ticker = run.onTick && setInterval(() => child.pid && run.onTick!(child.pid), run.tickMs ?? 500);
    const onAbort = () => kill('cancelled');
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      clearInterval(ticker);
      run.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout.push(d);
      if (!run.onLine) return;
      const lines = (partial + d.toString('utf8')).split('\n');
      partial = lines.pop()!;
      for (const line of lines) run.onLine(line);
    });
    child.stderr.on('data', (d: Buffer) => stderr.push(d));
    child.on('error', (err) => { done(); reject(err); });
    child.on('close', (code) => {
      done();
      resolve({ stop, code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8'), ms: Date.now() - started });
    });
    child.stdin.on('error', () => { /* the child may exit before reading stdin; its exit code tells */ });
    child.stdin.end(run.stdin ?? '');
  });
}

export interface ChildResult { code: number | null; stdout: string; stderr: string }

/** spawnChild for callers that want a stop as an error: an AbortError when cancelled, an Error past the deadline. */
export async function runChild(run: ChildRun & { timeoutMs?: number }): Promise<ChildResult> {
  const r = await spawnChild({ ...run, deadlineMs: run.deadlineMs ?? run.timeoutMs });
  if (r.stop === 'cancelled') throw abortError();
  if (r.stop === 'deadline') throw new Error(`${run.command} did not finish within ${Math.round(r.ms / 1000)} s and was stopped`);
  return r;
}

function abortError(): Error {
  const err = new Error('superseded by a newer request');
  err.name = 'AbortError';
  return err;
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}
