import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Browser, Page, chromium } from 'playwright-core';
import { CHROMIUM_PATH } from './browser';
import type { HostMessage } from '../../src/shared/protocol';

/**
 * Loads the built webview bundle (dist/webview.js + dist/panel.css) in
 * Debian's headless Chromium with a stand-in for acquireVsCodeApi, the same
 * CSP as the real panel, and a VS Code theme's CSS variables. Used to look at
 * the panel and to test what it renders without a VS Code.
 */
const DIST = path.join(__dirname, '..', '..', 'dist');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];

const THEMES = {
  dark: {
    'vscode-font-family': 'system-ui, sans-serif', 'vscode-font-size': '13px', 'vscode-editor-font-family': 'monospace', 'vscode-editor-font-size': '12px',
    'vscode-foreground': '#cccccc', 'vscode-descriptionForeground': '#9d9d9d', 'vscode-editor-background': '#1f1f1f', 'vscode-panel-border': '#3c3c3c',
    'vscode-list-hoverBackground': '#2a2d2e', 'vscode-list-inactiveSelectionBackground': '#37373d', 'vscode-focusBorder': '#0078d4',
    'vscode-testing-iconPassed': '#73c991', 'vscode-editorWarning-foreground': '#cca700', 'vscode-errorForeground': '#f48771',
    'vscode-textCodeBlock-background': '#2b2b2b', 'vscode-textBlockQuote-background': '#2b2b2b',
    'vscode-button-background': '#0078d4', 'vscode-button-foreground': '#ffffff', 'vscode-button-secondaryBackground': '#313131', 'vscode-button-secondaryForeground': '#cccccc',
    'vscode-panelTitle-activeForeground': '#e7e7e7', 'vscode-panelTitle-inactiveForeground': '#9d9d9d', 'vscode-panelTitle-activeBorder': '#0078d4',
    'vscode-charts-blue': '#3794ff', 'vscode-charts-green': '#89d185', 'vscode-charts-purple': '#b180d7', 'vscode-charts-orange': '#d18616', 'vscode-charts-yellow': '#cca700', 'vscode-charts-red': '#f14c4c',
  },
  light: {
    'vscode-font-family': 'system-ui, sans-serif', 'vscode-font-size': '13px', 'vscode-editor-font-family': 'monospace', 'vscode-editor-font-size': '12px',
    'vscode-foreground': '#3b3b3b', 'vscode-descriptionForeground': '#717171', 'vscode-editor-background': '#ffffff', 'vscode-panel-border': '#e5e5e5',
    'vscode-list-hoverBackground': '#f2f2f2', 'vscode-list-inactiveSelectionBackground': '#e4e6f1', 'vscode-focusBorder': '#005fb8',
    'vscode-testing-iconPassed': '#388a34', 'vscode-editorWarning-foreground': '#bf8803', 'vscode-errorForeground': '#a1260d',
    'vscode-textCodeBlock-background': '#f3f3f3', 'vscode-textBlockQuote-background': '#f2f2f2',
    'vscode-button-background': '#005fb8', 'vscode-button-foreground': '#ffffff', 'vscode-button-secondaryBackground': '#e5e5e5', 'vscode-button-secondaryForeground': '#3b3b3b',
    'vscode-panelTitle-activeForeground': '#3b3b3b', 'vscode-panelTitle-inactiveForeground': '#717171', 'vscode-panelTitle-activeBorder': '#005fb8',
    'vscode-charts-blue': '#1a85ff', 'vscode-charts-green': '#388a34', 'vscode-charts-purple': '#652d90', 'vscode-charts-orange': '#d18616', 'vscode-charts-yellow': '#bf8803', 'vscode-charts-red': '#e51400',
  },
  'high-contrast': {
    'vscode-font-family': 'system-ui, sans-serif', 'vscode-font-size': '13px', 'vscode-editor-font-family': 'monospace', 'vscode-editor-font-size': '12px',
    'vscode-foreground': '#ffffff', 'vscode-descriptionForeground': '#ffffff', 'vscode-editor-background': '#000000', 'vscode-panel-border': '#6fc3df',
    'vscode-contrastBorder': '#6fc3df', 'vscode-contrastActiveBorder': '#f38518', 'vscode-list-hoverBackground': '#000000', 'vscode-list-inactiveSelectionBackground': '#000000', 'vscode-focusBorder': '#f38518',
    'vscode-testing-iconPassed': '#73c991', 'vscode-editorWarning-foreground': '#ffd700', 'vscode-errorForeground': '#f48771',
    'vscode-textCodeBlock-background': '#000000', 'vscode-textBlockQuote-background': '#000000',
    'vscode-button-background': '#000000', 'vscode-button-foreground': '#ffffff', 'vscode-button-secondaryBackground': '#000000', 'vscode-button-secondaryForeground': '#ffffff',
    'vscode-panelTitle-activeForeground': '#ffffff', 'vscode-panelTitle-inactiveForeground': '#ffffff', 'vscode-panelTitle-activeBorder': '#f38518',
    'vscode-charts-blue': '#3794ff', 'vscode-charts-green': '#89d185', 'vscode-charts-purple': '#b180d7', 'vscode-charts-orange': '#d18616', 'vscode-charts-yellow': '#cca700', 'vscode-charts-red': '#f14c4c',
  },
  'high-contrast-light': {
    'vscode-font-family': 'system-ui, sans-serif', 'vscode-font-size': '13px', 'vscode-editor-font-family': 'monospace', 'vscode-editor-font-size': '12px',
    'vscode-foreground': '#292929', 'vscode-descriptionForeground': '#292929', 'vscode-editor-background': '#ffffff', 'vscode-panel-border': '#0f4a85',
    'vscode-contrastBorder': '#0f4a85', 'vscode-contrastActiveBorder': '#006bbd', 'vscode-list-hoverBackground': '#ffffff', 'vscode-list-inactiveSelectionBackground': '#ffffff', 'vscode-focusBorder': '#006bbd',
    'vscode-testing-iconPassed': '#007100', 'vscode-editorWarning-foreground': '#895503', 'vscode-errorForeground': '#b5200d',
    'vscode-textCodeBlock-background': '#ffffff', 'vscode-textBlockQuote-background': '#ffffff',
    'vscode-button-background': '#0f4a85', 'vscode-button-foreground': '#ffffff', 'vscode-button-secondaryBackground': '#ffffff', 'vscode-button-secondaryForeground': '#292929',
    'vscode-panelTitle-activeForeground': '#292929', 'vscode-panelTitle-inactiveForeground': '#292929', 'vscode-panelTitle-activeBorder': '#b5200d',
    'vscode-charts-blue': '#0f4a85', 'vscode-charts-green': '#007100', 'vscode-charts-purple': '#652d90', 'vscode-charts-orange': '#b5200d', 'vscode-charts-yellow': '#895503', 'vscode-charts-red': '#b5200d',
  },
};

/** The class VS Code puts on a webview's <body> for each kind of theme. */
const BODY_CLASS: Record<keyof typeof THEMES, string> = { dark: 'vscode-dark', light: 'vscode-light', 'high-contrast': 'vscode-high-contrast', 'high-contrast-light': 'vscode-high-contrast-light' };

export type Theme = keyof typeof THEMES;

export interface Harness {
  browser: Browser;
  page: Page;
  /** Messages the webview sent to the "host". */
  sent(): Promise<unknown[]>;
  post(msg: HostMessage): Promise<void>;
  close(): Promise<void>;
}

export async function openPanel(theme: Theme = 'dark', size = { width: 1200, height: 900 }): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sqlite-doctor-panel-'));
  const vars = Object.entries(THEMES[theme]).map(([k, v]) => `--${k}: ${v};`).join(' ');
  // Same CSP as panelHtml.ts; the theme variables are set from the nonce'd script, as VS Code sets them on <html>.
  writeFileSync(path.join(dir, 'index.html'), `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>SQLite Doctor</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src file:; font-src file:; img-src file:; script-src 'nonce-test' file:;">
<link rel="stylesheet" href="file://${DIST}/panel.css"></head>
<body class="${BODY_CLASS[theme]}"><div id="app"></div>
<script nonce="test">
document.documentElement.style.cssText = ${JSON.stringify(vars)};
document.body.style.background = 'var(--vscode-editor-background)';
window.__sent = []; let st;
window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__sent.push(m), getState: () => st, setState: (s) => { st = s; } });
</script>
<script nonce="test" src="file://${DIST}/webview.js"></script></body></html>`);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }); // Playwright gives every launch a fresh, empty profile.
  const page = await browser.newPage({ viewport: size });
  await page.goto(`file://${path.join(dir, 'index.html')}`);
  return {
    browser,
    page,
    sent: () => page.evaluate(() => (globalThis as unknown as { __sent: unknown[] }).__sent),
    post: async (msg) => {
      await page.evaluate((m) => (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*'), msg);
      await page.waitForTimeout(50);
    },
    close: () => browser.close(),
  };
}
