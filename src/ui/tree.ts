import * as vscode from 'vscode';
import type { DatabaseStatus } from '../shared/protocol';
import type { DatabaseModel, ModelChange } from './services/model';
import { activity } from './services/activity';
import { TreeNode as Node, TreeNodes } from './services/treeNodes';
import { tooltipLines } from './services/viewModel';

/** "SQLite Databases" in the Explorer: workspace folders, then databases. */

const ICONS: Record<DatabaseStatus, [string, string | undefined]> = {
  ok: ['database', 'testing.iconPassed'],
  'not-wal': ['database', 'list.warningForeground'],
  'hot-journal': ['warning', 'list.warningForeground'],
  corrupt: ['error', 'list.errorForeground'],
  unreadable: ['circle-slash', 'disabledForeground'],
};

export class DatabaseTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly nodes: TreeNodes;

  constructor(model: DatabaseModel) {
    this.nodes = new TreeNodes(model);
  }

  private visible = false;
  private missed = false;

  /**
   * A tree nobody sees (its section collapsed or the Explorer closed) is
   * told nothing: each refresh is a message to the window, twice a second
   * while an app writes. It is refreshed whole when it shows again.
   */
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible && this.missed) this.fire(undefined);
  }

  /** Refreshes the rows a model change concerns (the whole tree when its shape changed). */
  refresh(change: ModelChange): void {
    const changed = this.nodes.changed(change);
    if (changed !== 'all' && !changed.length) return;
    this.fire(changed === 'all' ? undefined : changed);
  }

  private fire(nodes: Node[] | undefined): void {
    this.missed = !this.visible;
    if (this.missed) return;
    activity.count('tree refreshes');
    this.emitter.fire(nodes);
  }

  getChildren(node?: Node): Node[] {
    return this.nodes.children(node);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.iconPath = new vscode.ThemeIcon('root-folder');
      return item;
    }
    const { row } = node;
    const item = new vscode.TreeItem(row.fileName, vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.resourceUri = vscode.Uri.file(row.id);
    item.description = row.description;
    const [icon, color] = ICONS[row.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    // appendText escapes Markdown: file names and messages come from disk.
    const tip = new vscode.MarkdownString().appendMarkdown('**').appendText(row.relPath).appendMarkdown('**\n\n');
    for (const line of tooltipLines(row)) tip.appendText(line).appendMarkdown('  \n');
    item.tooltip = tip;
    item.contextValue = `sqliteDb.${row.journalMode}`;
    item.command = { command: 'sqliteDoctor.showStatus', title: 'Show SQLite Status', arguments: [vscode.Uri.file(row.id)] };
    return item;
  }
}
