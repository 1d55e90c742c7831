import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { litestreamPlan, writeLitestreamConfig } from '../advice/litestreamSetup';
import type { Progress } from '../sqlite/engines/progress';
import { describeError } from '../sqlite/os/errors';
import { formatBytes } from '../shared/format';
import type { Log } from '../shared/log';
import { backupDatabase } from '../sqlite/write/backup';
import { vacuum } from '../sqlite/write/rebuild';
import { appSettingsInChild } from './services/cliChild';
import type { DatabaseModel } from './services/model';
import { readSettings } from './settings';
import { engineChoice, writesDisabledReason } from './writes';

/**
 * Back Up, VACUUM and Set Up Litestream from the Explorer, the tree, the
 * palette and the panel's checklist: the core does the work with the same
 * preflight and proof as the CLI; this layer asks, shows progress, reports.
 */
type Outcome = { ok: boolean; message: string } | undefined;

async function writable(log: Log): Promise<boolean> {
  const disabled = await writesDisabledReason(log);
  if (disabled) void vscode.window.showWarningMessage(disabled);
  return !disabled;
}

function rel(p: string): string {
  return vscode.workspace.asRelativePath(p);
}

/** The notification's progress text, from what SQLite reports. */
function reporter(progress: vscode.Progress<{ message?: string }>): (p: Progress) => void {
  return (p) => progress.report({ message: p.pages ? `${Math.floor((100 * p.pages.done) / Math.max(1, p.pages.total))}% of ${p.pages.total} pages` : `${formatBytes(p.bytesWritten ?? 0)} written` });
}

/** A cancellable notification's token as the AbortSignal the core takes. */
function signalOf(token: vscode.CancellationToken): AbortSignal {
  const controller = new AbortController();
  token.onCancellationRequested(() => controller.abort());
  return controller.signal;
}

function say(ok: boolean, message: string, log: Log): Outcome {
  (ok ? log.info : log.warn).call(log, message);
  void (ok ? vscode.window.showInformationMessage(message) : vscode.window.showWarningMessage(message));
  return { ok, message };
}

export async function backUp(uri: vscode.Uri, model: DatabaseModel, log: Log): Promise<Outcome> {
  if (!(await writable(log))) return undefined;
  const file = uri.fsPath;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
  const dest = await vscode.window.showSaveDialog({
    title: `Back up ${rel(file)} to`,
    defaultUri: vscode.Uri.file(path.join(path.dirname(file), `${path.basename(file).replace(/(\.[^.]*)?$/, `-backup-${stamp}$1`)}`)),
    saveLabel: 'Back Up',
  });
  if (!dest) return undefined;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Backing up ${rel(file)}`, cancellable: true },
      // The save dialog already asked before replacing an existing file.
      (progress, token) => backupDatabase(file, dest.fsPath, {
        force: existsSync(dest.fsPath), busyTimeoutMs: readSettings(uri).busyTimeoutMs, engine: engineChoice(uri, log), signal: signalOf(token), onProgress: reporter(progress),
      }),
    );
    await model.refresh(dest.fsPath);
    return say(r.outcome === 'done', r.message.split(file).join(rel(file)).split(r.dest).join(rel(r.dest)), log);
  } catch (err) {
    return say(false, `Backup of ${rel(file)} failed: ${describeError(err)}`, log);
  }
}

export async function vacuumDatabase(uri: vscode.Uri, model: DatabaseModel, log: Log): Promise<Outcome> {
  if (!(await writable(log))) return undefined;
  const file = uri.fsPath;
  const busyTimeoutMs = readSettings(uri).busyTimeoutMs;
  const engine = engineChoice(uri, log);
  const plan = await vacuum(file, { dryRun: true, busyTimeoutMs, engine });
  log.info(`VACUUM preflight for ${file}: ${plan.outcome}: ${plan.message}${plan.notes.map((n) => `; ${n}`).join('')}`);
  if (plan.outcome !== 'dry-run') return say(false, plan.message.split(file).join(rel(file)), log);
  const go = 'VACUUM';
  const choice = await vscode.window.showWarningMessage(`VACUUM ${rel(file)}?`, {
    modal: true,
    detail: [...plan.plan, ...plan.notes, 'The app\'s writers wait while it runs; you can cancel (SQLite rolls back).'].join('\n'),
  }, go);
  if (choice !== go) return undefined;
  try {
    const r = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `VACUUM ${rel(file)}`, cancellable: true },
      (progress, token) => vacuum(file, { busyTimeoutMs, engine, signal: signalOf(token), onProgress: reporter(progress) }),
    );
    await model.refresh(file);
    return say(r.outcome === 'done', r.message.split(file).join(rel(file)), log);
  } catch (err) {
    return say(false, `VACUUM of ${rel(file)} failed: ${describeError(err)}`, log);
  }
}

export async function setUpLitestream(uri: vscode.Uri, model: DatabaseModel, distDir: string, log: Log): Promise<Outcome> {
  if (!vscode.workspace.isTrusted) return say(false, 'This workspace is not trusted: SQLite Doctor writes no files here.', log);
  const file = uri.fsPath;
  const workspace = vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath;
  if (!workspace) return say(false, `${file} is not inside a workspace folder: SQLite Doctor writes no litestream.yml outside the workspace.`, log);
  const root = model.rootOf(file)?.path ?? path.dirname(file);
  const replica = await vscode.window.showInputBox({
    title: `Litestream replica for ${rel(file)}`,
    prompt: 'A folder for the local file replica (on another disk, ideally); an S3 replica is in the file as a commented alternative.',
    value: path.join(path.dirname(file), `${path.basename(file)}-replica`),
  });
  if (!replica) return undefined;
  const findings = await appSettingsInChild(distDir, root, readSettings(uri).exclude).catch((err: unknown) => {
    log.warn(`app settings under ${root} could not be read: ${describeError(err)}`);
    return { connections: [], backups: [] };
  });
  const plan = litestreamPlan(file, replica, model.get(file)?.state?.journalMode ?? 'delete', findings);
  const written = await writeLitestreamConfig(workspace, root, plan.yaml);
  if ('refused' in written) return say(false, `Litestream config not written: ${written.refused}.`, log);
  // Never write through someone's config (or a symlink of that name): show the entry to add beside it.
  const doc = 'written' in written
    ? await vscode.workspace.openTextDocument(written.written)
    : await vscode.workspace.openTextDocument({ language: 'yaml', content: `# ${rel(written.exists)} exists: add this database's entry to it.\n${plan.yaml}` });
  await vscode.window.showTextDocument(doc, { preview: false });
  const copy = 'Copy Restore Check';
  const lines = plan.checks.map((c) => `${c.ok ? '✓' : '✗'} ${c.text}`);
  log.info(`Litestream setup for ${file}: ${lines.join(' ')}`);
  void vscode.window.showInformationMessage(`Litestream config for ${rel(file)} ${'exists' in written ? 'shown (litestream.yml exists)' : `written to ${rel(written.written)}`}.`, { modal: true, detail: [...lines, '', `Verify a restore: ${plan.verifyRestore}`].join('\n') }, copy)
    .then((c) => { if (c === copy) void vscode.env.clipboard.writeText(plan.verifyRestore); });
  return { ok: plan.checks.every((c) => c.ok), message: lines.join(' ') };
}
