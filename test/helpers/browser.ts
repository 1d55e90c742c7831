import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * A Chromium or Chrome that is already installed: $CHROMIUM_PATH, then the
 * usual names on PATH. scripts/e2e-setup.sh installs Debian's chromium only
 * when none is found (and only as root on Debian).
 */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable', 'chrome'];

function find(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  for (const name of NAMES) {
    try {
      const p = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (p) return p;
    } catch { /* not this one */ }
  }
  return undefined;
}

export const CHROMIUM_PATH = find();
export const NO_CHROMIUM = CHROMIUM_PATH ? false : 'no Chromium or Chrome found (set CHROMIUM_PATH, or run scripts/e2e-setup.sh)';

/** The few page globals tests read inside page.evaluate (the test tsconfig has no DOM lib). */
export interface BrowserGlobals {
  document: { activeElement: { getAttribute(name: string): string | null } | null };
  scrollY: number;
  scrollTo(x: number, y: number): void;
}
