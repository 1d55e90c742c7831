import type { Frame, Page } from 'playwright-core';

/** Driving VS Code's workbench as a person does: the command palette and the panel's webview frames. */
export async function palette(page: Page, command: string): Promise<void> {
  // Contributed commands appear once the extension host is up; the open palette does not refresh, so retry.
  for (let attempt = 0; attempt < 20; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.fill(`>${command}`);
    const item = page.locator('.quick-input-list .monaco-list-row', { hasText: command }).first();
    if (await item.isVisible({ timeout: 1500 }).catch(() => false)) {
      await item.click();
      return;
    }
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
  }
  throw new Error(`command not found in the palette: ${command}`);
}

export async function panelFrame(page: Page, testid: string): Promise<Frame> {
  for (let i = 0; i < 60; i++) {
    for (const f of page.frames()) {
      if (await f.locator(`[data-testid="${testid}"]`).count().catch(() => 0)) return f;
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame shows ${testid}`);
}
