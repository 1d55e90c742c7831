import { readFileSync } from 'node:fs';
import type { Frame, Page } from 'playwright-core';

/**
 * axe-core (from npm) run inside a page or a webview's frame. Its source is
 * evaluated through the DevTools protocol, which the panel's CSP (nonce'd
 * scripts only) does not govern, so the panel is checked exactly as shipped.
 */
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation { id: string; impact: string; help: string; nodes: string[] }

/** Serious and critical violations only: what the panel must never have. */
export async function seriousViolations(target: Page | Frame): Promise<AxeViolation[]> {
  if (!(await target.evaluate(() => 'axe' in globalThis))) await target.evaluate(AXE);
  return target.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: unknown[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`) }));
  });
}
