import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodePanels, vsCodePanelTab, vsCodePanelView, vsCodeProgressRing,
} from '@vscode/webview-ui-toolkit';
import { h } from './dom';

/**
 * The only module that knows @vscode/webview-ui-toolkit (archived: its FAST
 * components get no more fixes). Everything else asks for a button, a
 * progress ring or a set of tabs here, so replacing the toolkit later
 * touches this file alone. Class names (`.tk-*`) let the stylesheet style
 * them without naming the toolkit's tags.
 */
provideVSCodeDesignSystem().register(vsCodeButton(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeProgressRing());

type Props = Record<string, string | boolean | ((e: Event) => void) | undefined>;

export type ButtonAppearance = 'primary' | 'secondary' | 'icon';

export function button(label: string | Node, appearance: ButtonAppearance, props: Props = {}): HTMLElement {
  return h('vscode-button', { ...props, appearance, class: `tk-button ${props.class ?? ''}`.trim() }, label);
}

/**
 * A spinner. Decorative: the toolkit's ring makes itself an assertive live
 * region (role="alert") on connect, which would compete with the panel's one
 * status region, so it sits in an aria-hidden wrapper; the text beside it
 * says what is going on.
 */
export function progressRing(props: Props = {}): HTMLElement {
  return h('span', { ...props, class: `tk-ring ${props.class ?? ''}`.trim(), 'aria-hidden': 'true' }, h('vscode-progress-ring', {}));
}

export interface Tab { id: string; label: string; view: HTMLElement }

/**
 * Tabs (WAI-ARIA tabs: arrows, Home and End move between them). `onChange`
 * hears every change of the active tab, whatever caused it: a click, an arrow
 * key, Home or End.
 */
export function tabs(list: readonly Tab[], active: string | undefined, onChange: (id: string) => void): HTMLElement {
  const chosen = list.some((t) => t.id === active) ? active! : list[0]?.id;
  const panels = h('vscode-panels', { class: 'tk-tabs', activeid: chosen && `tab-${chosen}` });
  panels.addEventListener('change', (e) => {
    // Only the tabs' own event (a control inside a view may emit `change` too, and it bubbles).
    if (e.target !== panels) return;
    const id = activeTab(panels);
    if (id) onChange(id);
  });
  for (const t of list) panels.append(h('vscode-panel-tab', { id: `tab-${t.id}`, class: 'tk-tab', 'data-tab': t.id }, t.label));
  for (const t of list) panels.append(h('vscode-panel-view', { id: `view-${t.id}`, class: 'tk-view', 'data-view': t.id }, t.view));
  return panels;
}

/** The tab ids in order: equal lists mean the views can be updated in place. */
export function tabIds(panels: Element): string[] {
  return [...panels.querySelectorAll<HTMLElement>(':scope > [data-tab]')].map((t) => t.dataset.tab!);
}

function activeTab(panels: Element): string | undefined {
  // The property first: the toolkit reflects it to the attribute only on its next DOM update.
  const id = (panels as HTMLElement & { activeid?: string }).activeid ?? panels.getAttribute('activeid');
  return id?.replace(/^tab-/, '');
}

/** Renames a tab in place ("Tables (3)" → "Tables (4)"). */
export function setTabLabel(panels: Element, id: string, label: string): void {
  const tab = panels.querySelector(`:scope > [data-tab="${CSS.escape(id)}"]`);
  if (tab && tab.textContent !== label) tab.textContent = label;
}

/** The view element of a tab, to replace its content in place. */
export function tabView(panels: Element, id: string): HTMLElement | null {
  return panels.querySelector<HTMLElement>(`:scope > [data-view="${CSS.escape(id)}"]`);
}
