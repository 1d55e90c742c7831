import * as path from 'node:path';
import * as vscode from 'vscode';
import { connectionSnippets } from '../advice/snippets';
import { DatabaseDetail, HostMessage, PanelAction, PanelState, WebviewMessage, parseWebviewMessage } from '../shared/protocol';
import { describeError } from '../sqlite/errors';
import type { InspectReport } from '../sqlite/inspect';
import { inspectInChild } from './inspectProcess';
import { WAL_EXPLAINED } from '../sqlite/walExplained';
import type { DatabaseModel } from './model';
import { panelHtml } from './panelHtml';
import { readSettings } from './settings';
import { summarize } from './viewModel';

/**
 * The status panel: one webview, fed by the model. The webview says `ready`;
 * the host answers with the full state (and the selection it should show).
 * Every message from the webview is validated before anything happens.
 */
export const PANEL_VIEW_TYPE = 'sqliteDoctor.statusPanel';

export interface PanelHost {
  model: DatabaseModel;
  /** The production checklist for one inspected database. */
  advise(report: InspectReport): Promise<Pick<DatabaseDetail, 'checks' | 'appSettings'>>;
  distUri: vscode.Uri;
  /** Why writes are off, if they are (untrusted workspace, no engine). */
  writesDisabledReason(): Promise<string | undefined>;
  runAction(action: PanelAction, uri: vscode.Uri): Promise<{ ok: boolean; message: string } | undefined>;
  scan(): Promise<void>;
}

export class StatusPanel {
  private static current: StatusPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private selected: string | undefined;
  private detailRun = 0;
  private detailInFlight: string | undefined;
  private detailAgain = false;
  private detailShown: string | undefined;

  static show(host: PanelHost, select?: string): StatusPanel {
    if (StatusPanel.current) {
      StatusPanel.current.panel.reveal();
    } else {
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'SQLite Doctor', vscode.ViewColumn.Active, StatusPanel.options(host));
      StatusPanel.current = new StatusPanel(panel, host);
    }
    if (select) StatusPanel.current.select(select);
    return StatusPanel.current;
  }

  static options(host: PanelHost): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return { enableScripts: true, localResourceRoots: [host.distUri] };
  }

  /** Restores a panel VS Code kept across a reload; the webview's own state holds its selection. */
  static revive(panel: vscode.WebviewPanel, host: PanelHost, state: unknown): void {
    panel.webview.options = StatusPanel.options(host);
    StatusPanel.current = new StatusPanel(panel, host);
    const selected = (state as { selected?: unknown } | undefined)?.selected;
    if (typeof selected === 'string') StatusPanel.current.selected = selected;
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly host: PanelHost) {
    panel.iconPath = vscode.Uri.joinPath(host.distUri, '..', 'media', 'icon.png');
    panel.webview.html = panelHtml(panel.webview, host.distUri);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw) => {
        const msg = parseWebviewMessage(raw);
        if (msg) void this.handle(msg);
      }),
      host.model.onDidChange(() => {
        void this.postState();
        if (this.selected) void this.postDetail(this.selected);
      }),
    );
  }

  private post(msg: HostMessage): void {
    void this.panel.webview.postMessage(msg);
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        await this.postState();
        if (this.selected) {
          this.post({ type: 'select', id: this.selected });
          await this.postDetail(this.selected);
        }
        return;
      case 'scan':
        return this.host.scan();
      case 'select':
        if (!this.host.model.get(msg.id)) return;
        this.selected = msg.id;
        return this.postDetail(msg.id);
      case 'action': {
        // Only databases the model knows: the webview cannot name arbitrary files.
        if (!this.host.model.get(msg.id)) return;
        const result = await this.host.runAction(msg.action, vscode.Uri.file(msg.id));
        if (result) this.post({ type: 'operationResult', id: msg.id, ...result });
        return;
      }
      case 'copy':
        await vscode.env.clipboard.writeText(msg.text);
        void vscode.window.setStatusBarMessage('$(check) Copied to the clipboard', 2000);
        return;
      default: {
        const never: never = msg;
        return never;
      }
    }
  }

  select(id: string): void {
    this.selected = id;
    this.post({ type: 'select', id });
    void this.postDetail(id);
  }

  private async postState(): Promise<void> {
    const rows = this.host.model.rows();
    const state: PanelState = {
      databases: rows,
      scanning: this.host.model.scanning,
      scannedOnce: this.host.model.scannedOnce,
      summary: summarize(rows),
      writesDisabledReason: await this.host.writesDisabledReason(),
    };
    this.post({ type: 'state', state });
  }

  /**
   * Inspects a database for the detail view. A new selection shows "loading";
   * a refresh of the one on screen keeps it until the new report is in, and
   * refreshes arriving while one runs (a busy app writing) are coalesced.
   */
  private async postDetail(id: string): Promise<void> {
    if (this.detailInFlight === id) {
      this.detailAgain = true;
      return;
    }
    const run = ++this.detailRun;
    this.detailInFlight = id;
    const base: DatabaseDetail = { id, loading: true, walExplained: [...WAL_EXPLAINED], snippets: connectionSnippets(path.basename(id)) };
    if (this.detailShown !== id) this.post({ type: 'detail', detail: base });
    let detail: DatabaseDetail;
    try {
      const report = await inspectInChild(this.host.distUri.fsPath, id, readSettings(vscode.Uri.file(id)).maxInspectBytes);
      detail = { ...base, loading: false, report, ...(await this.host.advise(report)) };
    } catch (err) {
      detail = { ...base, loading: false, error: describeError(err, id) };
    }
    if (run === this.detailRun) {
      this.post({ type: 'detail', detail });
      this.detailShown = id;
    }
    if (this.detailInFlight === id) this.detailInFlight = undefined;
    if (this.detailAgain && this.selected === id) {
      this.detailAgain = false;
      await this.postDetail(id);
    }
  }

  private dispose(): void {
    StatusPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
