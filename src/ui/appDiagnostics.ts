import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Fix, Unfixable } from '../advice/fix/fixes';
import { describeError } from '../sqlite/os/errors';
import type { Log } from '../shared/log';
import { plannedFixesInChild } from './services/cliChild';

/**
 * The app's own configuration in the Problems panel: one diagnostic per
 * connection that misses a recommended setting, on the line that opens or
 * configures the database, with a quick fix that writes it where the stack
 * expects (a WorkspaceEdit the user can preview and undo). Planned in a child
 * process (the CLI's `fix --dry-run --json`) after each scan and each save
 * of a configuration file; fixes are offered only in trusted workspaces and
 * only on a document still exactly as it was planned against.
 */
const SOURCE = 'SQLite Doctor';
// Any Python module may hold a DATABASES entry or an engine: every source file the analysis reads re-plans on save.
const CONFIG_FILE = /(^|\/)([^/]+\.(py|js|mjs|cjs|jsx|ts|mts|cts|tsx|go)|database\.yml|requirements[^/]*\.txt|pyproject\.toml|Gemfile\.lock|go\.mod)$/;

interface Planned { fix: Fix; textHash: string }

const hash = (text: string) => createHash('sha1').update(text).digest('hex');

export class AppDiagnostics implements vscode.CodeActionProvider {
  private readonly collection = vscode.languages.createDiagnosticCollection('sqlite-doctor');
  private readonly planned = new Map<string, Planned[]>();
  private running = new Map<string, Promise<void>>();

  constructor(private readonly distDir: string, private readonly log: Log) {}

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      this.collection,
      vscode.languages.registerCodeActionsProvider([{ scheme: 'file', language: 'python' }, { scheme: 'file', language: 'yaml' }, { scheme: 'file', language: 'javascript' }, { scheme: 'file', language: 'typescript' }, { scheme: 'file', language: 'go' }], this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const folder = vscode.workspace.getWorkspaceFolder(doc.uri);
        if (folder && CONFIG_FILE.test(doc.uri.path)) void this.refresh(folder.uri.fsPath);
      }),
    );
  }

  /** Re-plans one workspace folder; a refresh asked for while one runs waits for it and runs once more. */
  async refresh(root: string): Promise<void> {
    const previous = this.running.get(root);
    const next = (previous ?? Promise.resolve()).then(() => this.plan(root));
    this.running.set(root, next);
    await next;
    if (this.running.get(root) === next) this.running.delete(root);
  }

  private async plan(root: string): Promise<void> {
    const started = Date.now();
    let result: { fixed: Fix[]; unfixable: Unfixable[] };
    try {
      result = await plannedFixesInChild(this.distDir, root);
    } catch (err) {
      this.log.error(`planning app-config fixes under ${root} failed: ${describeError(err)}`);
      return;
    }
    const byFile = new Map<string, vscode.Diagnostic[]>();
    for (const [key] of this.planned) if (key.startsWith(root + path.sep)) this.planned.delete(key);
    const add = (file: string, d: vscode.Diagnostic) => byFile.set(file, [...(byFile.get(file) ?? []), d]);
    for (const fix of result.fixed) {
      const abs = path.join(root, fix.file);
      const text = await fsp.readFile(abs, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      this.planned.set(abs, [...(this.planned.get(abs) ?? []), { fix, textHash: hash(text) }]);
      const d = new vscode.Diagnostic(lineRange(fix.line), `SQLite: this ${fix.stack} connection does not set ${fix.missing.join(', ')}. Fix: ${fix.title}.`, vscode.DiagnosticSeverity.Warning);
      d.source = SOURCE;
      d.code = { value: 'connection-settings', target: vscode.Uri.parse('https://www.sqlite.org/pragma.html') };
      add(abs, d);
    }
    for (const u of result.unfixable) {
      const d = new vscode.Diagnostic(lineRange(u.line), `SQLite: this ${u.stack} connection does not set ${u.missing.join(', ')}; not fixed automatically: ${u.why}.`, vscode.DiagnosticSeverity.Information);
      d.source = SOURCE;
      add(path.join(root, u.file), d);
    }
    for (const [uri] of this.collection) if (uri.fsPath.startsWith(root + path.sep) && !byFile.has(uri.fsPath)) this.collection.delete(uri);
    for (const [file, list] of byFile) this.collection.set(vscode.Uri.file(file), list);
    this.log.info(`app config under ${root}: ${result.fixed.length} fixable, ${result.unfixable.length} not fixable automatically (${Date.now() - started} ms)`);
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    if (!vscode.workspace.isTrusted) return [];
    const ours = context.diagnostics.filter((d) => d.source === SOURCE && d.severity === vscode.DiagnosticSeverity.Warning);
    if (!ours.length) return [];
    const planned = this.planned.get(document.uri.fsPath) ?? [];
    // Offsets were planned against the saved file: an edited document gets no stale edit.
    const current = hash(document.getText());
    return planned.filter((p) => p.textHash === current && ours.some((d) => d.range.start.line === p.fix.line - 1)).map((p) => {
      const action = new vscode.CodeAction(p.fix.title, vscode.CodeActionKind.QuickFix);
      action.edit = new vscode.WorkspaceEdit();
      for (const e of p.fix.edits) action.edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text);
      action.diagnostics = ours.filter((d) => d.range.start.line === p.fix.line - 1);
      action.isPreferred = true;
      action.command = { command: 'sqliteDoctor.saveAndRecheck', title: 'Save and re-check', arguments: [document.uri] };
      return action;
    });
  }
}

function lineRange(line: number): vscode.Range {
  return new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER);
}
