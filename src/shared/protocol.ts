/**
 * Every message between the extension host and the status panel, one union
 * per direction tagged by `type`. Imported by both bundles (type-only in the
 * webview); the host validates every incoming message with
 * `parseWebviewMessage` before acting on it.
 */
import type { InspectReport, LockHolder } from './reportTypes';
import type { ConnectionSnippet } from '../advice/snippets';
import type { Check } from './checkTypes';
import type { ConnectionFinding } from '../advice/findings';

export type DatabaseStatus = 'ok' | 'not-wal' | 'hot-journal' | 'corrupt' | 'unreadable';

/** One database as the overview grid and the tree show it. */
export interface DatabaseRow {
  /** Absolute file system path: the database's identity everywhere. */
  id: string;
  folder: string;
  relPath: string;
  fileName: string;
  status: DatabaseStatus;
  journalMode: string;
  pageSize: number;
  sizeBytes: number;
  walBytes: number;
  uncheckpointedWalBytes: number;
  sidecars: string[];
  warnings: string[];
  /** e.g. "WAL · 4 KiB · 2.1 MiB (+380 KiB wal)" */
  description: string;
}

export interface PanelState {
  databases: DatabaseRow[];
  scanning: boolean;
  /** Set when nothing has been scanned yet. */
  scannedOnce: boolean;
  summary: string;
  /** Write actions are off in untrusted workspaces or without a real SQLite engine. */
  writesDisabledReason?: string;
}

export interface DatabaseDetail {
  id: string;
  report?: InspectReport;
  error?: string;
  loading: boolean;
  /** When the inspection read the files (ms since the epoch). */
  asOf?: number;
  walExplained: { point: string; detail: string }[];
  snippets: ConnectionSnippet[];
  /** The production checklist, once the report is in. */
  checks?: Check[];
  /** App settings (Django, Rails, Node, Go) that open this database. */
  appSettings?: ConnectionFinding[];
}

/**
 * The live view of the selected database: one point per second over the last
 * ten minutes ([time ms, -wal bytes, frames not yet checkpointed, 1 if a
 * checkpoint happened in that second]), who holds it, and what that means.
 */
export interface LiveView {
  id: string;
  points: [number, number, number, number][];
  /** Bytes of one WAL frame (page + 24-byte header): pending frames × this = bytes still to copy. */
  frameBytes: number;
  holders: LockHolder[];
  diagnosis: string[];
}

export type HostMessage =
  | { type: 'live'; live: LiveView }
  | { type: 'state'; state: PanelState }
  /** Databases whose rows changed (no database added or dropped), and the summary line. */
  | { type: 'rows'; rows: DatabaseRow[]; summary: string }
  | { type: 'detail'; detail: DatabaseDetail }
  | { type: 'select'; id: string }
  /** Whether the database's files changed since its detail was made (an app is writing; the detail says how old it is). */
  | { type: 'writing'; id: string; writing: boolean }
  | { type: 'operationResult'; id: string; ok: boolean; message: string };

export const ACTIONS = ['enableWal', 'disableWal', 'checkpoint', 'vacuum', 'backup', 'litestream', 'refresh', 'reveal'] as const;
export type PanelAction = (typeof ACTIONS)[number];

export type WebviewMessage =
  /** The one handshake: sent once the page listens, with the selection it restored (getState). */
  | { type: 'ready'; selected?: string }
  | { type: 'scan' }
  | { type: 'select'; id: string }
  | { type: 'action'; action: PanelAction; id: string }
  | { type: 'copy'; text: string };

/** Shape-checks a message from the webview; undefined for anything else. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  const str = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;
  switch (m.type) {
    case 'ready':
      return m.selected === undefined ? { type: 'ready' } : str(m.selected) ? { type: 'ready', selected: m.selected } : undefined;
    case 'scan':
      return { type: m.type };
    case 'select':
      return str(m.id) ? { type: 'select', id: m.id } : undefined;
    case 'action':
      return str(m.id) && (ACTIONS as readonly unknown[]).includes(m.action) ? { type: 'action', action: m.action as PanelAction, id: m.id } : undefined;
    case 'copy':
      return str(m.text, 100_000) ? { type: 'copy', text: m.text } : undefined;
    default:
      return undefined;
  }
}
