import * as vscode from 'vscode';
import type { EngineId } from '../sqlite/engines/engine';
import { DEFAULT_EXCLUDES } from '../workspace/scan';

/** The `sqliteDoctor.*` settings, read fresh each time they are needed. */
export interface Settings {
  include: string[];
  exclude: string[];
  checkAllFiles: boolean;
  maxInspectBytes: number;
  busyTimeoutMs: number;
  confirmBeforeWrite: boolean;
  engine: EngineId | 'auto';
}

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('sqliteDoctor', scope);
  return {
    include: c.get<string[]>('include', []),
    exclude: c.get<string[]>('exclude', [...DEFAULT_EXCLUDES]),
    checkAllFiles: c.get<boolean>('checkAllFiles', false),
    maxInspectBytes: c.get<number>('maxInspectSizeMB', 256) * 1024 * 1024,
    busyTimeoutMs: c.get<number>('busyTimeoutMs', 5000),
    confirmBeforeWrite: c.get<boolean>('confirmBeforeWrite', true),
    engine: c.get<EngineId | 'auto'>('engine', 'auto'),
  };
}
