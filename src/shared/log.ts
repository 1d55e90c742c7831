/**
 * Where the core says what it did and what failed, for a person reading
 * afterwards (the extension's "SQLite Doctor" output channel, a CLI's
 * stderr). Optional everywhere: silent by default.
 */
export interface Log {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const SILENT: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };
