import * as path from 'node:path';
import * as vscode from 'vscode';
import { connectionSnippets } from '../advice/snippets';
import type { PanelAction } from '../shared/protocol';
import type { Log } from '../shared/log';
import type { DetailService } from './services/detailService';
import { backUp, setUpLitestream, vacuumDatabase } from './maintenance';
import type { DatabaseModel } from './services/model';
import { StatusPanel, PanelHost } from './panel';
import { readSettings } from './settings';
import { resolveTargets } from './targets';
import { summarize } from './services/viewModel';
import { WriteKind, runWrite } from './writes';

/** Each command is a small function over the model; extension.ts registers them. */
export function scanRoots(): { folder: string; path: string }[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ folder: f.name, path: f.uri.fsPath }));
}

export async function scanWorkspace(model: DatabaseModel, interactive: boolean): Promise<void> {
  const roots = scanRoots();
  if (!roots.length) {
    if (interactive) void vscode.window.showInformationMessage('Open a folder to scan it for SQLite databases.');
    return;
  }
  const s = readSettings(vscode.workspace.workspaceFolders?.[0]?.uri);
  // The model cancels an older scan when a newer one starts; this controller is the user's Cancel button.
  const controller = new AbortController();
  const options = { allFiles: s.checkAllFiles, exclude: s.exclude, include: s.include, signal: controller.signal };
  const { cancelled } = interactive
    ? await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Scanning for SQLite databases', cancellable: true },
        (progress, token) => {
          token.onCancellationRequested(() => controller.abort());
          return model.scan(roots, options, (found, files) => progress.report({ message: `${found} found in ${files} files` }));
        },
      )
    : await model.scan(roots, options);
  if (!interactive) return;
  if (cancelled) {
    if (controller.signal.aborted) void vscode.window.showInformationMessage('Scan cancelled; the previous results are kept.');
    return;
  }
  const open = 'Open Status Panel';
  const choice = await vscode.window.showInformationMessage(`SQLite: ${summarize(model.rows())}`, open);
  if (choice === open) await vscode.commands.executeCommand('sqliteDoctor.showPanel');
}

export async function showStatus(host: PanelHost, args: unknown[]): Promise<void> {
  const [uri] = await resolveTargets(host.model, args, 'Show the status of which database?');
  if (!uri) return;
  if (!host.model.get(uri.fsPath)) await host.model.refresh(uri.fsPath);
  if (!host.model.get(uri.fsPath)) {
    void vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(uri)} is not an SQLite database (or is outside the scanned folders).`);
    return;
  }
  StatusPanel.show(host, uri.fsPath);
}

export async function write(kind: WriteKind, model: DatabaseModel, log: Log, args: unknown[]): Promise<void> {
  const wanted = kind === 'enableWal' ? 'delete' : 'wal';
  const targets = await resolveTargets(model, args, `${kind === 'checkpoint' ? 'Checkpoint' : kind === 'enableWal' ? 'Enable WAL on' : 'Disable WAL on'} which database?`,
    (p) => model.get(p)?.state?.journalMode === wanted);
  for (const uri of targets) await runWrite(kind, uri, model, log);
}

/** The user asked: re-read even what looks unchanged. */
export async function refresh(model: DatabaseModel, details: DetailService, args: unknown[]): Promise<void> {
  const [first] = args;
  if (first instanceof vscode.Uri) {
    details.invalidate([first.fsPath]);
    return model.refresh(first.fsPath);
  }
  details.invalidate(model.paths());
  return scanWorkspace(model, false);
}

export async function reveal(model: DatabaseModel, args: unknown[]): Promise<void> {
  const [uri] = await resolveTargets(model, args, 'Reveal which database?');
  if (uri) await vscode.commands.executeCommand('revealInExplorer', uri);
}

export async function copyConnectionSettings(model: DatabaseModel, args: unknown[]): Promise<void> {
  const [uri] = await resolveTargets(model, args, 'Connection settings for which database?');
  const snippets = connectionSnippets(uri ? path.basename(uri.fsPath) : undefined);
  const pick = await vscode.window.showQuickPick(snippets.map((s) => ({ label: s.stack, description: s.where, snippet: s })), {
    placeHolder: 'Per-connection settings (WAL, synchronous=NORMAL, busy_timeout=5000, foreign_keys=ON) for which stack?',
  });
  if (!pick) return;
  await vscode.env.clipboard.writeText(pick.snippet.code);
  void vscode.window.showInformationMessage(`Copied the ${pick.snippet.stack} snippet; it goes in ${pick.snippet.where}.`);
}

/** Back Up, VACUUM, Set Up Litestream on the targets of a command (Explorer, tree, palette). */
export async function maintain(kind: 'backup' | 'vacuum' | 'litestream', model: DatabaseModel, distDir: string, log: Log, args: unknown[]): Promise<void> {
  const verb = { backup: 'Back up', vacuum: 'VACUUM', litestream: 'Set up Litestream for' }[kind];
  const [uri] = await resolveTargets(model, args, `${verb} which database?`);
  if (!uri) return;
  if (kind === 'backup') await backUp(uri, model, log);
  else if (kind === 'vacuum') await vacuumDatabase(uri, model, log);
  else await setUpLitestream(uri, model, distDir, log);
}

/** The panel's buttons map onto the same command functions. */
export function panelAction(model: DatabaseModel, details: DetailService, distDir: string, log: Log): (action: PanelAction, uri: vscode.Uri) => Promise<{ ok: boolean; message: string } | undefined> {
  return async (action, uri) => {
    switch (action) {
      case 'enableWal':
      case 'disableWal':
      case 'checkpoint':
        return runWrite(action, uri, model, log);
      case 'vacuum':
        return vacuumDatabase(uri, model, log);
      case 'backup':
        return backUp(uri, model, log);
      case 'litestream':
        return setUpLitestream(uri, model, distDir, log);
      case 'refresh':
        await refresh(model, details, [uri]);
        return undefined;
      case 'reveal':
        await vscode.commands.executeCommand('revealInExplorer', uri);
        return undefined;
      default: {
        const never: never = action;
        return never;
      }
    }
  };
}
