/**
 * The tree view's nodes, kept as the same objects from one model change to
 * the next, so a change to some databases refreshes just their rows: VS Code
 * is told which elements changed (onDidChangeTreeData with those nodes), not
 * to rebuild the tree. Adding, dropping or regrouping databases rebuilds it.
 * No vscode import: tested alone.
 */
import type { DatabaseRow } from '../../shared/protocol';
import type { DatabaseModel, ModelChange } from './model';

export type TreeNode = { kind: 'folder'; name: string } | { kind: 'db'; row: DatabaseRow };
type DbNode = Extract<TreeNode, { kind: 'db' }>;

export class TreeNodes {
  private readonly dbs = new Map<string, DbNode>();
  private folders = new Map<string, TreeNode>();

  constructor(private readonly model: DatabaseModel) {}

  children(node?: TreeNode): TreeNode[] {
    const rows = this.model.rows();
    if (node?.kind === 'db') return [];
    const names = [...new Set(rows.map((r) => r.folder))];
    // One folder: no grouping level, just the databases.
    if (!node && names.length > 1) return names.map((name) => this.folder(name));
    return rows.filter((r) => !node || r.folder === node.name).map((row) => this.db(row));
  }

  /** What to refresh after a model change: these nodes, everything ('all') or nothing. */
  changed(change: ModelChange): TreeNode[] | 'all' {
    if (change.kind === 'scanning') return [];
    if (change.kind === 'all') return 'all';
    const out: TreeNode[] = [];
    for (const p of change.paths) {
      const node = this.dbs.get(p);
      const row = this.model.rows().find((r) => r.id === p);
      // New, dropped or moved to another folder: the shape of the tree changed.
      if (!node || !row || row.folder !== node.row.folder) return 'all';
      node.row = row;
      out.push(node);
    }
    return out;
  }

  private folder(name: string): TreeNode {
    let f = this.folders.get(name);
    if (!f) this.folders.set(name, (f = { kind: 'folder', name }));
    return f;
  }

  private db(row: DatabaseRow): DbNode {
    const node = this.dbs.get(row.id);
    if (node) {
      node.row = row;
      return node;
    }
    const fresh: DbNode = { kind: 'db', row };
    this.dbs.set(row.id, fresh);
    return fresh;
  }
}
