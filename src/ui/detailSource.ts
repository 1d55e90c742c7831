import * as path from 'node:path';
import * as vscode from 'vscode';
import { connectionSnippets } from '../advice/snippets';
import type { InspectReport } from '../sqlite/content/inspect';
import type { Log } from '../shared/log';
import { filesIdentity } from '../sqlite/disk/consistentRead';
import { WAL_EXPLAINED } from '../advice/knowledge/walExplained';
import type { DatabaseDetail } from '../shared/protocol';
import { inspectInChild } from './services/cliChild';
import { DetailDeps } from './services/detailService';
import { readSettings } from './settings';

/** Where the detail service's details come from in the extension: the CLI child, then the advisor. */
export function detailSource(distDir: string, advise: (report: InspectReport) => Promise<Pick<DatabaseDetail, 'checks' | 'appSettings'>>, log: Log): DetailDeps {
  const base = (id: string) => ({ walExplained: [...WAL_EXPLAINED], snippets: connectionSnippets(path.basename(id)) });
  return {
    identity: filesIdentity,
    base,
    log,
    inspect: async (id, signal) => {
      const report = await inspectInChild(distDir, id, readSettings(vscode.Uri.file(id)).maxInspectBytes, signal);
      return { ...base(id), report, ...(await advise(report)) };
    },
  };
}
