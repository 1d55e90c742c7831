import { findAppSettings } from '../advice/appConfig';
import { adviseDatabase, findingsFor } from '../advice/checks';
import type { AppFindings } from '../advice/findings';
import type { DatabaseDetail } from '../shared/protocol';
import { judgeMount, mountOf, readMounts } from '../sqlite/filesystem';
import type { InspectReport } from '../sqlite/inspect';
import type { DatabaseModel } from './model';

/**
 * The panel's checklist: app settings are searched once per workspace folder
 * (again after each scan), then judged per database by the core advisor.
 */
export function createAdvisor(model: DatabaseModel, exclude: () => readonly string[]): (report: InspectReport) => Promise<Pick<DatabaseDetail, 'checks' | 'appSettings'>> {
  const cache = new Map<string, Promise<AppFindings>>();
  model.onDidChange(() => { if (model.scanning) cache.clear(); });
  return async (report) => {
    const root = model.rootOf(report.path);
    let findings: AppFindings = { connections: [], backups: [] };
    if (root) {
      if (!cache.has(root.path)) cache.set(root.path, findAppSettings(root.path, exclude()));
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
