import { Tab, setTabLabel, tabIds, tabView, tabs } from './components';
import type { DetailParts } from './detail';
import { h } from './dom';

/**
 * One database's detail, kept on screen and patched: each part (title,
 * actions, result, problems, each tab's view) is replaced only when what it
 * shows changed, so a busy database's new row sizes touch the title line
 * and nothing else, the chosen tab stays chosen, and keyboard focus stays on
 * the control that had it (or, if that control is gone, on the detail's
 * title: never on BODY). Built anew only for another database.
 */
const SLOTS = ['head', 'actions', 'result', 'problems', 'body'] as const;
type Slot = (typeof SLOTS)[number];

export class DetailView {
  readonly element: HTMLElement;
  /** Where main.ts puts the live view: a persistent element, above the tabs. */
  readonly liveAnchor = h('div', { class: 'live-anchor' });
  private readonly slots: Record<Slot, HTMLElement>;
  /** The markup each slot was last built with: equal markup, nothing to do. */
  private readonly shown = new Map<string, string>();

  constructor(readonly id: string, private readonly tab: () => string | undefined, private readonly onTab: (id: string) => void) {
    this.slots = Object.fromEntries(SLOTS.map((s) => [s, h('div', { class: `slot-${s}` })])) as Record<Slot, HTMLElement>;
    this.element = h('section', { class: 'detail', 'data-testid': 'detail', 'aria-label': 'Database detail' },
      h('div', { class: 'detail-head' }, this.slots.head, this.slots.actions, this.slots.result),
      this.slots.problems, this.liveAnchor, this.slots.body,
    );
  }

  update(parts: DetailParts): void {
    keepFocus(this.element, () => {
      this.put('head', parts.head);
      this.put('actions', parts.actions);
      this.put('result', parts.result);
      this.put('problems', parts.problems);
      if (Array.isArray(parts.body)) this.putTabs(parts.body);
      else this.put('body', parts.body);
    });
  }

  private put(slot: Slot, node: HTMLElement | null): void {
    const markup = node?.outerHTML ?? '';
    if (this.shown.get(slot) === markup) return;
    this.shown.set(slot, markup);
    this.slots[slot].replaceChildren(...(node ? [node] : []));
  }

  /** Same tabs as shown: each view and label is patched in place; otherwise the tabs are built anew on the chosen tab. */
  private putTabs(list: Tab[]): void {
    const panels = this.slots.body.firstElementChild;
    const ids = list.map((t) => t.id);
    if (panels && this.shown.get('body') === 'tabs' && JSON.stringify(tabIds(panels)) === JSON.stringify(ids)) {
      for (const t of list) {
        setTabLabel(panels, t.id, t.label);
        const markup = t.view.outerHTML;
        if (this.shown.get(`view-${t.id}`) === markup) continue;
        this.shown.set(`view-${t.id}`, markup);
        tabView(panels, t.id)?.replaceChildren(t.view);
      }
      return;
    }
    for (const key of [...this.shown.keys()]) if (key.startsWith('view-')) this.shown.delete(key);
    for (const t of list) this.shown.set(`view-${t.id}`, t.view.outerHTML);
    this.shown.set('body', 'tabs');
    this.slots.body.replaceChildren(tabs(list, this.tab(), this.onTab));
  }
}

/**
 * Runs a patch; if it removed the focused control, focus goes to its
 * replacement (same data-action, id, or label) or else to the detail's
 * title, so a keyboard user never lands on BODY.
 */
export function keepFocus(container: HTMLElement, patch: () => void): void {
  const before = document.activeElement;
  const inside = before instanceof HTMLElement && container.contains(before);
  const key = inside ? focusKey(before) : undefined;
  const { scrollX, scrollY } = window;
  patch();
  if (!inside || before.isConnected) return;
  const target = (key && container.querySelector<HTMLElement>(key)) || container.querySelector<HTMLElement>('h2[tabindex]');
  target?.focus({ preventScroll: true });
  window.scrollTo(scrollX, scrollY);
}

function focusKey(el: HTMLElement): string | undefined {
  for (const attr of ['data-action', 'id', 'aria-label']) {
    const v = el.getAttribute(attr);
    if (v) return `[${attr}="${CSS.escape(v)}"]`;
  }
  return undefined;
}
