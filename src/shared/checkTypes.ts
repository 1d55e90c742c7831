/** The checklist's data types, free of Node APIs so the webview can share them. */
export type CheckStatus = 'ok' | 'info' | 'warn' | 'fail' | 'unknown';
export const CHECK_IDS = ['wal', 'hot-journal', 'wal-size', 'integrity', 'freelist', 'filesystem', 'page-size', 'busy_timeout', 'synchronous', 'foreign_keys', 'cache_size', 'backup', 'sqlite-version'] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export interface Check {
  id: CheckId;
  title: string;
  status: CheckStatus;
  reason: string;
  fix?: string;
  /** file:line of the app setting the judgement rests on. */
  source?: string;
}

