import * as vscode from 'vscode';

/**
 * The "Get Started with SQLite Doctor" walkthrough (package.json
 * `contributes.walkthroughs`): opened once, on the first activation, and
 * its steps marked done as the person does them. Scan, panel and quick fix
 * complete on their commands; Enable WAL completes on this context key,
 * set only when WAL really was enabled (not when the dialog was cancelled).
 */
const SHOWN = 'walkthroughShown';
export const WAL_ENABLED_KEY = 'sqliteDoctor.walkthrough.walEnabled';

export function openOnFirstActivation(context: vscode.ExtensionContext): void {
  if (context.globalState.get<boolean>(SHOWN)) return;
  void context.globalState.update(SHOWN, true);
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#firstRun`, false);
}

export function markWalEnabled(): void {
  void vscode.commands.executeCommand('setContext', WAL_ENABLED_KEY, true);
}
