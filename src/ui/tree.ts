import * as vscode from 'vscode';
import type { DatabaseRow, DatabaseStatus } from '../shared/protocol';
import type { DatabaseModel } from './model';
import { tooltipLines } from './viewModel';

/** "SQLite Databases" in the Explorer: workspace folders, then databases. */
type Node = { kind: 'folder'; name: string } | { kind: 'db'; row: DatabaseRow };

const ICONS: Record<DatabaseStatus, [string, string | undefined]> = {
  ok: ['database', 'testing.iconPassed'],
  'not-wal': ['database', 'list.warningForeground'],
  'hot-journal': ['warning', 'list.warningForeground'],
  corrupt: ['error', 'list.errorForeground'],
  unreadable: ['circle-slash', 'disabledForeground'],
};

export class DatabaseTree implements vscode.TreeDataProvider<Node> {
  private readonly emitter = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly model: DatabaseModel) {}

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    const rows = this.model.rows();
    if (!node) {
      const folders = [...new Set(rows.map((r) => r.folder))];
      // One folder: no grouping level, just the databases.
      if (folders.length <= 1) return rows.map((row) => ({ kind: 'db', row }));
      return folders.map((name) => ({ kind: 'folder', name }));
    }
    return node.kind === 'folder' ? rows.filter((r) => r.folder === node.name).map((row) => ({ kind: 'db', row })) : [];
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
