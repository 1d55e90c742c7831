import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/**
 * The panel's HTML shell: strict CSP (nothing but our nonce'd script and
 * styles from the extension's own build folder), no inline styles, no
 * remote anything. Content is rendered by webview.js from messages.
 */
export function panelHtml(webview: vscode.Webview, distUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(distUri, 'webview.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(distUri, 'panel.css'));
  const csp = [
    "default-src 'none'",
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>SQLite Doctor</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
