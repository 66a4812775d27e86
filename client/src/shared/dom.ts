/** The DOM helpers the pages share. First: an element with attributes and text. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A label holding its text and its control. */
export function labelled(text: string, control: HTMLElement): HTMLElement {
  const node = el('label', {}, text);
  node.append(control);
  return node;
}

/** A term and its value for a description list (`<dt>`, `<dd>` with `attrs`). */
export function fact(
  term: string,
  value: string | Node,
  attrs: Record<string, string> = {},
): HTMLElement[] {
  const dd = el('dd', attrs);
  dd.append(value);
  return [el('dt', {}, term), dd];
}

/** Saves what `url` (an object URL) holds under `filename`: a click on a temporary link. */
export function saveDownload(url: string, filename: string): void {
  const a = el('a', { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
