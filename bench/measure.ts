import { spawn } from 'node:child_process';

/**
 * Runs a command and reports wall time and the peak RSS of that process
 * (GNU time's %M, in KiB), the same way for our CLI and for the baselines.
 */
export interface Sample { ms: number; rssKiB: number; stdout: string }

export function run(cmd: string, args: string[], opts: { shell?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const argv = opts.shell ? ['-f', '%M', 'sh', '-c', [cmd, ...args].join(' ')] : ['-f', '%M', cmd, ...args];
    const child = spawn('/usr/bin/time', argv, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rss = Number(stderr.trim().split('\n').pop());
      if (code !== 0 && !opts.shell) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${stderr}`));
      else resolve({ ms, rssKiB: rss, stdout });
    });
  });
}

/** Median of n runs after one warm-up (file system cache), to damp noise on a shared machine. */
export async function median(n: number, f: () => Promise<Sample>): Promise<Sample> {
  await f();
  const samples: Sample[] = [];
  for (let i = 0; i < n; i++) samples.push(await f());
  samples.sort((a, b) => a.ms - b.ms);
  return samples[Math.floor(n / 2)]!;
}

export const fmtMs = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));
export const fmtMiB = (kib: number) => (kib / 1024).toFixed(0);
