import * as vscode from 'vscode';
import { HostMessage, PanelAction, PanelState, WebviewMessage, parseWebviewMessage } from '../shared/protocol';
import type { Log } from '../shared/log';
import { guarded } from './services/actionGuard';
import type { DetailService } from './services/detailService';
import { activity } from './services/activity';
import { DeepRefreshSchedule } from './services/deepRefresh';
import { LiveViewService } from './services/liveView';
import type { DatabaseModel, ModelChange } from './services/model';
import { panelHtml } from './panelHtml';
import { summarize } from './services/viewModel';

/**
 * The status panel: a thin adapter between one webview, the model and the
 * detail service. One handshake: the webview says `ready` with the
 * selection it restored; the host answers with the state and that
 * database's detail (from the cache when its files did not change). Every
 * message from the webview is validated before anything happens.
 */
export const PANEL_VIEW_TYPE = 'sqliteDoctor.statusPanel';

export interface PanelHost {
  model: DatabaseModel;
  details: DetailService;
  log: Log;
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
  private ready = false;
  /** The databases in the last state the webview got. */
  private shownIds = new Set<string>();
  /** Samples the selected database only while the panel is visible. */
  private readonly live: LiveViewService;
  /** When the selected database's deep detail is made again (not on every write; nothing while hidden). */
  private readonly deep: DeepRefreshSchedule;

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

  /** Restores a panel VS Code kept across a reload; its webview says which database it showed in `ready`. */
  static revive(panel: vscode.WebviewPanel, host: PanelHost): void {
    panel.webview.options = StatusPanel.options(host);
    StatusPanel.current = new StatusPanel(panel, host);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly host: PanelHost) {
    panel.iconPath = vscode.Uri.joinPath(host.distUri, '..', 'media', 'icon.png');
    panel.webview.html = panelHtml(panel.webview, host.distUri);
    this.live = new LiveViewService((live) => this.post({ type: 'live', live }), { log: host.log }, (id) => host.model.followerOf(id));
    this.deep = new DeepRefreshSchedule(
      () => { if (this.selected) void this.postDetail(this.selected); },
      (writing) => { if (this.selected && this.ready) this.post({ type: 'writing', id: this.selected, writing }); },
    );
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(() => this.followLive()),
      panel.webview.onDidReceiveMessage((raw) => {
        const msg = parseWebviewMessage(raw);
        if (msg) void guarded(`The panel's "${msg.type === 'action' ? msg.action : msg.type}"`, () => this.handle(msg), this.shown);
      }),
      host.model.onDidChange((change) => this.modelChanged(change)),
    );
  }

  private get shown() {
    return { log: this.host.log, showError: (m: string) => void vscode.window.showErrorMessage(m) };
  }

  private post(msg: HostMessage): void {
    activity.count('webview messages');
    void this.panel.webview.postMessage(msg);
  }

  private modelChanged(change: ModelChange): void {
    // Only a change to the selected database's files can change its detail; the schedule says when to make it again.
    if (this.selected && (change.kind === 'all' || (change.kind === 'paths' && change.paths.includes(this.selected)))) this.deep.changed();
    // A hidden panel's webview gets the whole state again when it shows (its handshake).
    if (!this.ready || !this.panel.visible) return;
    // Rows that changed travel alone; a database added or dropped resends the state.
    if (change.kind === 'paths' && change.paths.every((p) => this.shownIds.has(p) && this.host.model.get(p))) {
      const rows = this.host.model.rows();
      this.post({ type: 'rows', rows: rows.filter((r) => change.paths.includes(r.id)), summary: summarize(rows) });
    } else if (change.kind !== 'paths' || change.paths.length) {
      void this.postState();
    }
  }

  private async handle(msg: WebviewMessage): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        if (!this.selected && msg.selected && this.host.model.get(msg.selected)) this.selected = msg.selected;
        await this.postState();
        if (this.selected) {
          this.post({ type: 'select', id: this.selected });
          if (this.deep.writing) this.post({ type: 'writing', id: this.selected, writing: true });
          this.followLive();
          this.deep.now();
        }
        return;
      case 'scan':
        return this.host.scan();
      case 'select':
        if (!this.host.model.get(msg.id) || msg.id === this.selected) return;
        this.selected = msg.id;
        this.followLive();
        return this.deep.now();
      case 'action': {
        // Only databases the model knows: the webview cannot name arbitrary files.
        if (!this.host.model.get(msg.id)) return;
        const result = await guarded(`The panel's "${msg.action}"`, () => this.host.runAction(msg.action, vscode.Uri.file(msg.id)), this.shown);
        if (result) this.post({ type: 'operationResult', id: msg.id, ...result });
        // Asked for (Refresh) or changed by us: the detail is made now, not after the writes pause.
        if (msg.id === this.selected && msg.action !== 'reveal') this.deep.now();
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
    if (id === this.selected) return;
    this.selected = id;
    if (!this.ready) return; // the handshake will show it
    this.post({ type: 'select', id });
    this.followLive();
    this.deep.now();
  }

  /** Live sampling runs for the selected database while the panel is visible, and not otherwise. */
  private followLive(): void {
    const shown = this.panel.visible && this.ready && !!this.selected;
    if (shown) this.live.watch(this.selected!);
    else this.live.pause();
    this.deep.setActive(shown);
  }

  private async postState(): Promise<void> {
    const rows = this.host.model.rows();
    this.shownIds = new Set(rows.map((r) => r.id));
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
   * Shows the last detail (or "loading") at once, then the current one. The
   * service answers from its cache while the files are unchanged and lets a
   * newer request cancel an older inspection: a busy app costs no inspections
   * of a database it does not touch.
   */
  private async postDetail(id: string): Promise<void> {
    const shown = this.host.details.last(id);
    if (!shown) this.post({ type: 'detail', detail: this.host.details.placeholder(id) });
    const detail = await this.host.details.request(id);
    if (detail && detail !== shown && this.selected === id) this.post({ type: 'detail', detail });
  }

  private dispose(): void {
    StatusPanel.current = undefined;
    this.host.details.cancelAll();
    this.live.stop();
    this.deep.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
