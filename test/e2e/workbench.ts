import { Browser, Frame, Page, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from '../helpers/browser';
import { CHROMIUM_ARGS } from '../helpers/panelHarness';
import { CodeServer, startCodeServer } from './codeServer';

/** Driving VS Code's workbench as a person does: the command palette and the panel's webview frames. */
export async function palette(page: Page, command: string): Promise<void> {
  // Contributed commands appear once the extension host is up; the open palette does not refresh, so retry.
  for (let attempt = 0; attempt < 20; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    const item = page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
    // A notification arriving (a scan's summary) can close the palette at any step: then try again.
    const typed = await input.fill(`>${command}`, { timeout: 2000 }).then(() => true, () => false);
    if (typed && (await item.isVisible({ timeout: 1500 }).catch(() => false)) && (await item.click({ timeout: 2000 }).then(() => true, () => false))) return;
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
  throw new Error(`command not found in the palette: ${command}`);
}

export async function panelFrame(page: Page, testid: string): Promise<Frame> {
  // Up to 40 s: the first panel of a fresh window waits for the extension to activate and scan on a loaded 2-vCPU machine.
  for (let i = 0; i < 160; i++) {
    for (const f of page.frames()) {
      if (await f.locator(`[data-testid="${testid}"]`).count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame shows ${testid}`);
}

/** A real VS Code on `folder` (fresh profile), open in headless Chromium, its workbench loaded. */
export interface Workbench {
  server: CodeServer;
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

export async function openWorkbench(profile: string, folder: string, extension?: string, alongside?: readonly string[]): Promise<Workbench> {
  const server = await startCodeServer(profile, folder, { 'workbench.colorTheme': 'Default Dark Modern' }, extension, alongside);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url);
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  return { server, browser, page, close: async () => { await browser.close(); await server.stop(); } };
}
