import * as vscode from 'vscode';
import * as commands from './ui/commands';
import { bindContextKeys } from './ui/contextKeys';
import { DatabaseModel } from './ui/services/model';
import { PANEL_VIEW_TYPE, PanelHost, StatusPanel } from './ui/panel';
import { createStatusBar } from './ui/statusBar';
import { DatabaseTree } from './ui/tree';
import { watchDatabases } from './ui/watcher';
import { createAdvisor } from './ui/services/advisor';
import { AppDiagnostics } from './ui/appDiagnostics';
import { DetailService } from './ui/services/detailService';
import { detailSource } from './ui/detailSource';
import { readSettings } from './ui/settings';
import { markDone, openOnFirstActivation } from './ui/walkthrough';
import { writesDisabledReason } from './ui/writes';
import { activity } from './ui/services/activity';

/** Wiring only: every piece lives in src/ui/ over the vscode-free core. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('SQLite Doctor', { log: true });
  const model = new DatabaseModel(log);
  const tree = new DatabaseTree(model);
  const distDir = vscode.Uri.joinPath(context.extensionUri, 'dist');
  const advise = createAdvisor(model, distDir.fsPath, () => readSettings(vscode.workspace.workspaceFolders?.[0]?.uri).exclude, log);
  const details = new DetailService(detailSource(distDir.fsPath, advise, log));
  const appDiagnostics = new AppDiagnostics(distDir.fsPath, log);
  const host: PanelHost = {
    model,
    details,
    log,
    distUri: distDir,
    writesDisabledReason: () => writesDisabledReason(log),
    runAction: commands.panelAction(model, details, distDir.fsPath, log),
    scan: () => commands.scanWorkspace(model, true),
  };
  const register = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);

  const treeView = vscode.window.createTreeView('sqliteDoctor.databases', { treeDataProvider: tree, showCollapseAll: false, canSelectMany: true });
  tree.setVisible(treeView.visible);

  context.subscriptions.push(
    log,
    activity.start(log),
    treeView,
    treeView.onDidChangeVisibility((e) => tree.setVisible(e.visible)),
    model.onDidChange((change) => tree.refresh(change)),
    createStatusBar(model),
    bindContextKeys(model),
    watchDatabases(model, log),
    { dispose: () => details.cancelAll() },
    appDiagnostics.register(),
    // After each scan, the app's configuration is checked too (in a child process).
    model.onDidChange((change) => { if (change.kind === 'all') for (const r of commands.scanRoots()) void appDiagnostics.refresh(r.path); }),
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel) => StatusPanel.revive(panel, host),
    }),
    register('sqliteDoctor.scan', () => commands.scanWorkspace(model, true)),
    register('sqliteDoctor.showPanel', () => StatusPanel.show(host)),
    register('sqliteDoctor.showStatus', (...args) => commands.showStatus(host, args)),
    register('sqliteDoctor.enableWal', (...args) => commands.write('enableWal', model, log, args)),
    register('sqliteDoctor.disableWal', (...args) => commands.write('disableWal', model, log, args)),
    register('sqliteDoctor.checkpoint', (...args) => commands.write('checkpoint', model, log, args)),
    register('sqliteDoctor.backup', (...args) => commands.maintain('backup', model, distDir.fsPath, log, args)),
    register('sqliteDoctor.vacuum', (...args) => commands.maintain('vacuum', model, distDir.fsPath, log, args)),
    register('sqliteDoctor.setUpLitestream', (...args) => commands.maintain('litestream', model, distDir.fsPath, log, args)),
    register('sqliteDoctor.refresh', (...args) => commands.refresh(model, details, args)),
    register('sqliteDoctor.reveal', (...args) => commands.reveal(model, args)),
    register('sqliteDoctor.copyConnectionSettings', (...args) => commands.copyConnectionSettings(model, args)),
    register('sqliteDoctor.showLog', () => log.show()),
    register('sqliteDoctor.saveAndRecheck', (uri) => { markDone('appConfigFixed'); return uri instanceof vscode.Uri && vscode.workspace.save(uri); }),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void commands.scanWorkspace(model, false)),
  );
  // A quiet first scan so the tree, status bar and explorer menus are ready.
  void commands.scanWorkspace(model, false);
  openOnFirstActivation(context);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
