/**
 * Server-rendered SVG bar charts with Vega-Lite: the spec is compiled to Vega and rendered by a
 * headless View (renderer 'none', `toSVG()`), which needs no DOM or canvas. The SVG is an image
 * with a text label; the same figures are always in a table beside it for screen readers.
 */

import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { escapeHtml, html, raw, type SafeHtml } from './html.ts';

export interface Bar {
  readonly label: string;
  readonly value: number;
}

/** USWDS primary blue and base text colours, so charts match the pages. */
const COLOURS = { bar: '#005ea2', text: '#1b1b1b', grid: '#dfe1e2' };

export async function barChart(bars: readonly Bar[], label: string): Promise<SafeHtml> {
  const spec: TopLevelSpec = {
    width: 420,
    height: { step: 28 },
    data: { values: bars.map((b) => ({ label: b.label, value: b.value })) },
    mark: { type: 'bar', color: COLOURS.bar, aria: false },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: null, title: null, axis: { labelLimit: 200 } },
      x: { field: 'value', type: 'quantitative', title: null, axis: { tickMinStep: 1, format: 'd' } },
    },
    config: {
      // ARIA on every mark is noise here: the whole chart is one labelled image (role="img").
      aria: false,
      background: 'white',
      font: 'Source Sans Pro Web, Helvetica Neue, Helvetica, Roboto, Arial, sans-serif',
      axis: {
        labelColor: COLOURS.text,
        labelFontSize: 13,
        gridColor: COLOURS.grid,
        domainColor: COLOURS.text,
        tickColor: COLOURS.text,
      },
      view: { stroke: null },
    },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const labelled = svg.replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" focusable="false" `);
    return html`<figure class="chart margin-x-0 margin-y-2">${raw(labelled)}</figure>`;
  } finally {
    view.finalize();
  }
}
