import { describeError } from '../../sqlite/os/errors';
import type { Log } from '../../shared/log';

/**
 * A panel button runs host code from a webview message: nothing awaits it,
 * so an exception there would vanish and the button would seem to do
 * nothing. Every such run goes through here: a failure is logged and shown
 * to the user, and the panel gets a failed result to display.
 */
export interface Shown { log: Log; showError(message: string): void }

export async function guarded<T>(what: string, work: () => Promise<T>, shown: Shown): Promise<T | { ok: false; message: string }> {
  try {
    return await work();
  } catch (err) {
    const message = `${what} failed: ${describeError(err)}`;
    shown.log.error(err instanceof Error && err.stack ? `${message}\n${err.stack}` : message);
    shown.showError(message);
    return { ok: false, message };
  }
}
