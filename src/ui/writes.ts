import * as vscode from 'vscode';
import { describeError } from '../sqlite/os/errors';
import { EngineChoice, findEngine } from '../sqlite/engines/select';
import type { Log } from '../shared/log';
import { OperationOptions, OperationResult, checkpoint, disableWal, enableWal } from '../sqlite/write/journalMode';
import { WAL_EXPLAINED } from '../advice/knowledge/walExplained';
import type { DatabaseModel } from './services/model';
import { readSettings } from './settings';
import { markDone } from './walkthrough';

/**
 * The write commands' user-facing flow: refuse in untrusted workspaces, run
 * the preflight (dry run), ask with a modal that says what will change,
 * run through real SQLite, show the verified result, refresh the model.
 */
export type WriteKind = 'enableWal' | 'disableWal' | 'checkpoint';

const RUN: Record<WriteKind, (file: string, o: OperationOptions) => Promise<OperationResult>> = {
  enableWal: (f, o) => enableWal(f, o),
  disableWal: (f, o) => disableWal(f, o),
  checkpoint: (f, o) => checkpoint(f, 'AUTO', o),
};

const VERB: Record<WriteKind, string> = { enableWal: 'Enable WAL', disableWal: 'Disable WAL', checkpoint: 'Checkpoint' };

export function engineChoice(scope: vscode.Uri, log: Log): EngineChoice {
  // node:sqlite runs in a child of this very runtime (Electron as Node, or the remote server's Node).
  return { prefer: readSettings(scope).engine, nodePath: process.execPath, log };
}

export async function writesDisabledReason(log: Log): Promise<string | undefined> {
  if (!vscode.workspace.isTrusted) return 'This workspace is not trusted: SQLite Doctor only reads databases here. Trust the workspace to change journal modes.';
  const engine = await findEngine(engineChoice(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/'), log));
  if (!engine) return 'No real SQLite engine is available (node:sqlite, the sqlite3 shell or python3), so databases are only read. Install sqlite3 to enable writes (see the "SQLite Doctor" output for what was tried).';
  return undefined;
}

export async function runWrite(kind: WriteKind, uri: vscode.Uri, model: DatabaseModel, log: Log): Promise<{ ok: boolean; message: string } | undefined> {
  const disabled = await writesDisabledReason(log);
  if (disabled) {
    void vscode.window.showWarningMessage(disabled);
    return { ok: false, message: disabled };
  }
  const file = uri.fsPath;
  const settings = readSettings(uri);
  const options: OperationOptions = { busyTimeoutMs: settings.busyTimeoutMs, engine: engineChoice(uri, log) };
  const dry = await RUN[kind](file, { ...options, dryRun: true });
  logPreflight(log, VERB[kind], dry);
  if (dry.outcome !== 'dry-run') return report(dry, model, log);
  if (settings.confirmBeforeWrite) {
    const p = dry.preflight;
    const lines = [
      `Journal mode now: ${p.state.journalMode}${p.state.hotJournal ? ' (a hot journal will be rolled back first)' : ''}`,
      `-wal: ${p.state.sidecars.wal ? `${p.state.sidecars.wal.bytes} bytes, ${p.state.wal?.uncheckpointedFrames ?? 0} frame(s) not checkpointed` : 'none'}`,
      `Filesystem: ${p.filesystem.type ?? 'unknown'} (${p.filesystem.verdict})`,
      ...p.warnings.map((w) => `Warning: ${w}`),
      ...p.notes.map((n) => `Note: ${n}`),
      `Engine: ${dry.engine}`,
    ];
    const explain = kind === 'enableWal' ? ['', 'What WAL means:', ...WAL_EXPLAINED.map((w) => `• ${w.point} ${w.detail}`)] : [];
    const choice = await vscode.window.showWarningMessage(
      `${VERB[kind]} on ${vscode.workspace.asRelativePath(uri)}?`,
      { modal: true, detail: [...lines, ...explain].join('\n') },
      VERB[kind],
    );
    if (choice !== VERB[kind]) {
      log.info(`${VERB[kind]} on ${file}: not confirmed; nothing changed`);
      return undefined;
    }
  }
  const started = Date.now();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `${VERB[kind]}: ${vscode.workspace.asRelativePath(uri)}` },
    () => RUN[kind](file, options),
  ).then(undefined, (err: unknown) => {
    log.error(`${VERB[kind]} on ${file} failed after ${Date.now() - started} ms: ${describeError(err)}`);
    throw err;
  });
  log.info(`${VERB[kind]} on ${file}: ${result.outcome} in ${Date.now() - started} ms (${result.engine ?? 'no engine'}): ${result.message}`);
  if (kind === 'enableWal' && result.outcome === 'done') markDone('walEnabled');
  return report(result, model, log);
}

function logPreflight(log: Log, verb: string, r: OperationResult): void {
  const p = r.preflight;
  log.info(`${verb} preflight for ${r.file}: journal mode ${p.state.journalMode}, -wal ${p.state.sidecars.wal?.bytes ?? 0} bytes, filesystem ${p.filesystem.type ?? 'unknown'} (${p.filesystem.verdict}), open in ${p.openBy?.length ? `pid ${p.openBy.join(', ')}` : 'no other process seen'}${[...p.blockers.map((b) => `; blocker: ${b}`), ...p.warnings.map((w) => `; warning: ${w}`)].join('')}`);
}

async function report(r: OperationResult, model: DatabaseModel, log: Log): Promise<{ ok: boolean; message: string }> {
  if (r.outcome === 'refused') log.warn(`${r.file}: ${r.message}${r.next ? ` ${r.next}` : ''}`);
  await model.refresh(r.file);
  const ok = r.outcome === 'done' || r.outcome === 'unchanged';
  // The core names files by the path it was given; people read workspace-relative paths.
  const message = r.message.split(r.file).join(vscode.workspace.asRelativePath(r.file));
  const full = [message, r.next].filter(Boolean).join(' ');
  if (ok) {
    void vscode.window.showInformationMessage(message);
  } else {
    const copy = 'Copy Command';
    void vscode.window.showWarningMessage(full, copy).then((c) => {
      if (c === copy) void vscode.env.clipboard.writeText(r.manualCommand);
    });
  }
  return { ok, message: full };
}
