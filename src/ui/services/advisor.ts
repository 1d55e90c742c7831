import { adviseDatabase, findingsFor } from '../../advice/checks';
import type { AppFindings } from '../../advice/findings';
import type { DatabaseDetail } from '../../shared/protocol';
import { describeError } from '../../sqlite/os/errors';
import { judgeMount, mountOf, readMounts } from '../../sqlite/os/filesystem';
import type { InspectReport } from '../../sqlite/content/inspect';
import type { Log } from '../../shared/log';
import { appSettingsInChild } from './cliChild';
import type { DatabaseModel } from './model';

/**
 * The panel's checklist: app settings are searched once per workspace folder
 * (again after each scan), in a child process, then judged per database by
 * the core advisor.
 */
export function createAdvisor(model: DatabaseModel, distDir: string, exclude: () => readonly string[], log: Log): (report: InspectReport) => Promise<Pick<DatabaseDetail, 'checks' | 'appSettings'>> {
  const cache = new Map<string, Promise<AppFindings>>();
  model.onDidChange((change) => { if (change.kind === 'scanning' && model.scanning) cache.clear(); });
  const find = (root: string): Promise<AppFindings> => {
    const started = Date.now();
    return appSettingsInChild(distDir, root, exclude()).then((f) => {
      log.info(`app settings under ${root}: ${f.connections.length} connection(s), ${f.backups.length} backup config(s) in ${Date.now() - started} ms${f.skipped?.length ? `; skipped ${f.skipped.join(', ')}` : ''}`);
      return f;
    }, (err: unknown) => {
      log.error(`app settings under ${root} could not be read: ${describeError(err)}`);
      cache.delete(root);
      return { connections: [], backups: [] };
    });
  };
  return async (report) => {
    const root = model.rootOf(report.path);
    let findings: AppFindings = { connections: [], backups: [] };
    if (root) {
      if (!cache.has(root.path)) cache.set(root.path, find(root.path));
      findings = await cache.get(root.path)!;
    }
    const mounts = await readMounts();
    const filesystem = mounts ? judgeMount(mountOf(report.path, mounts), report.path) : undefined;
    return {
      checks: adviseDatabase({ state: report, integrity: report.integrity, filesystem, findings }),
      appSettings: findingsFor(report.path, findings),
    };
  };
}
