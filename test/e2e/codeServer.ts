import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/**
 * A real VS Code (code-server 4.139 = VS Code 1.139) on 127.0.0.1 with a
 * fresh profile per run and our packaged .vsix installed. Installed by
 * scripts/e2e-setup.sh into .cache/e2e (npm registry and Debian only).
 */
const ROOT = path.join(__dirname, '..', '..');
const E2E = path.join(ROOT, '.cache', 'e2e');
export const NODE24 = path.join(E2E, 'node24', 'node_modules', 'node', 'bin', 'node');
export const ENTRY = path.join(E2E, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const VSIX = path.join(ROOT, 'sqlite-doctor.vsix');

export function codeServerInstalled(): boolean {
  return existsSync(NODE24) && existsSync(ENTRY);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export interface CodeServer {
  url: string;
  /** The server's process id (its process group holds the extension host and every child). */
  pid: number;
  stop(): Promise<void>;
  log(): string;
}

/**
 * `extension`: an unpacked extension folder to use instead of the packaged
 * .vsix (the benchmark compares the current build with an older one);
 * `alongside`: unpacked extensions loaded next to it (the host profiler).
 */
export async function startCodeServer(profile: string, folder: string, userSettings: Record<string, unknown>, extension?: string, alongside: readonly string[] = []): Promise<CodeServer> {
  const data = path.join(profile, 'data');
  const ext = path.join(profile, 'ext');
  mkdirSync(path.join(data, 'User'), { recursive: true });
  writeFileSync(path.join(data, 'User', 'settings.json'), JSON.stringify({
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'workbench.enableExperiments': false,
    'chat.disableAIFeatures': true,
    ...userSettings,
  }, null, 2));
  const env = { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'config'), XDG_DATA_HOME: path.join(profile, 'xdg-data'), HOME: profile };
  const common = ['--auth', 'none', '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--user-data-dir', data, '--extensions-dir', ext];
  if (extension) {
    mkdirSync(ext, { recursive: true });
    symlinkSync(extension, path.join(ext, 'sqlite-doctor.sqlite-doctor-0.0.0'));
  } else {
    execFileSync(NODE24, [ENTRY, ...common, '--install-extension', VSIX], { env, stdio: 'pipe' });
  }
  for (const dir of alongside) symlinkSync(dir, path.join(ext, `bench.${path.basename(dir)}-0.0.0`));
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(NODE24, [ENTRY, ...common, '--bind-addr', `127.0.0.1:${port}`, folder], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`code-server did not start:\n${log}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url: `${url}/?folder=${encodeURIComponent(folder)}`,
    pid: child.pid!,
    log: () => log,
    stop: async () => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      await new Promise((r) => setTimeout(r, 200));
    },
  };
}
