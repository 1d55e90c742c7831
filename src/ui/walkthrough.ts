import * as vscode from 'vscode';

/**
 * The "Get Started with SQLite Doctor" walkthrough (package.json
 * `contributes.walkthroughs`): opened once, on the first activation, and
 * its steps marked done as the person does them. Scan and panel complete
 * on their commands; Enable WAL and the quick fix on context keys set here:
 * WAL only once it really was enabled (not when the dialog was cancelled),
 * the quick fix when its follow-up command runs (VS Code hands a code
 * action's command with arguments to the extension host under another id,
 * so `onCommand` would never see it).
 */
const SHOWN = 'walkthroughShown';

export function openOnFirstActivation(context: vscode.ExtensionContext): void {
  if (context.globalState.get<boolean>(SHOWN)) return;
  void context.globalState.update(SHOWN, true);
  // Inactive: shown in an empty window, a background tab otherwise, so it never hides
  // the panel (or file) the person opened while the extension was starting.
  void vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#firstRun`, { inactive: true });
}

export type WalkthroughStep = 'walEnabled' | 'appConfigFixed';

export function markDone(step: WalkthroughStep): void {
  void vscode.commands.executeCommand('setContext', `sqliteDoctor.walkthrough.${step}`, true);
}
