import * as vscode from 'vscode';
import type { DatabaseModel } from './services/model';

/**
 * Which databases a command acts on: the explorer's multi-selection, a single
 * explorer/tree item, or — from the palette — a quick pick of known ones.
 */
export async function resolveTargets(model: DatabaseModel, args: unknown[], placeHolder: string, filter: (p: string) => boolean = () => true): Promise<vscode.Uri[]> {
  const [first, second] = args;
  if (Array.isArray(second) && second.every((u) => u instanceof vscode.Uri)) return second as vscode.Uri[];
  if (first instanceof vscode.Uri) return [first];
  const row = (first as { row?: { id?: unknown } } | undefined)?.row;
  if (row && typeof row.id === 'string') return [vscode.Uri.file(row.id)];
  const candidates = model.rows().filter((r) => filter(r.id));
  if (!candidates.length) {
    void vscode.window.showInformationMessage('No matching SQLite databases are known yet. Run "SQLite: Scan Workspace for Databases" first.');
    return [];
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map((r) => ({ label: r.fileName, description: r.description, detail: `${r.folder}/${r.relPath}`, id: r.id })),
    { placeHolder, canPickMany: false, matchOnDetail: true },
  );
  return picked ? [vscode.Uri.file(picked.id)] : [];
}
