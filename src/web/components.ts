/** Small USWDS building blocks shared by the pages. */

import { html, type Interpolation, type SafeHtml } from './html.ts';

/**
 * A usa-table in a scrollable container: a wide table scrolls inside its own box, never the
 * page. The container is focusable and labelled, so keyboard users can scroll it (WCAG 2.1.1).
 */
export function table(
  caption: string,
  headers: readonly string[],
  rows: readonly (readonly Interpolation[])[],
): SafeHtml {
  return html`<div class="usa-table-container--scrollable" tabindex="0" role="region" aria-label="${caption}">
<table class="usa-table usa-table--borderless usa-table--compact width-full">
<caption>${caption}</caption>
<thead><tr>${headers.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead>
<tbody>${rows.map((row) => html`<tr>${row.map((cell) => html`<td>${cell}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

export function alert(kind: 'info' | 'warning' | 'error' | 'success', heading: string, text: string): SafeHtml {
  return html`<div class="usa-alert usa-alert--${kind}" role="${
    kind === 'error' ? 'alert' : 'status'
  }"><div class="usa-alert__body">
<h2 class="usa-alert__heading">${heading}</h2><p class="usa-alert__text">${text}</p></div></div>`;
}
