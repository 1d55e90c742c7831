/**
 * Tiny DOM builder. Text always goes in through textContent, never innerHTML:
 * table names, paths and messages come from files and may contain markup.
 */
type Child = Node | string | null | undefined | false;

export function h<K extends string>(tag: K, props: Record<string, string | boolean | ((e: Event) => void) | undefined> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, '').toLowerCase(), v);
    // The CSP has no 'unsafe-inline': a style attribute would be dropped, but CSSOM properties apply.
    else if (k === 'style' && typeof v === 'string') for (const decl of v.split(';')) { const i = decl.indexOf(':'); if (i > 0) el.style.setProperty(decl.slice(0, i).trim(), decl.slice(i + 1).trim()); }
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return el;
}
