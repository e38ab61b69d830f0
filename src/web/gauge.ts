/**
 * The portal's score gauge: a half-circle SVG drawn on the server, no script and no library
 * (it is one arc). It is an image with a text alternative; the score and grade are also in the
 * text beside it, so nothing depends on seeing it.
 */

import type { Scoring } from '../domain/policy.ts';
import { html, type SafeHtml } from './html.ts';

const CX = 100;
const CY = 100;
const R = 80;
/** The arc behind the value (USWDS base-lighter). */
const TRACK = '#dfe1e2';

/** The scale the gauge shows: from the lowest graded band to a little above the top one. */
export function gaugeScale(scoring: Scoring): { min: number; max: number } {
  const mins = scoring.grades.map((g) => g.min);
  // The floor band (D, min 0) would squeeze every real score into the top of the arc:
  // start at the lowest band above it.
  const floor = Math.min(scoring.base, ...mins.filter((m) => m > 0));
  return { min: floor, max: Math.max(scoring.base, ...mins) + 50 };
}

function point(fraction: number): string {
  const angle = Math.PI * (1 - fraction);
  return `${(CX + R * Math.cos(angle)).toFixed(2)} ${(CY - R * Math.sin(angle)).toFixed(2)}`;
}

/** A gauge of `score` on `scale`, labelled with `label` (the accessible name). */
export function scoreGauge(score: number, grade: string, scale: { min: number; max: number }, label: string): SafeHtml {
  const fraction = Math.min(1, Math.max(0, (score - scale.min) / (scale.max - scale.min)));
  // Below the middle of the scale the arc is the USWDS warning colour; above it, success green.
  const colour = fraction < 0.5 ? '#c05600' : '#00a91c';
  const value =
    fraction === 0
      ? ''
      : html`<path d="M ${point(0)} A ${R} ${R} 0 0 1 ${point(fraction)}" fill="none" stroke="${
          colour
        }" stroke-width="18" stroke-linecap="round"/>`;
  return html`<svg class="credence-gauge" viewBox="0 0 200 120" width="240" height="144" role="img" aria-label="${
    label
  }">
<path d="M ${point(0)} A ${R} ${R} 0 0 1 ${point(1)}" fill="none" stroke="${
    TRACK
  }" stroke-width="18" stroke-linecap="round"/>
${value}
<text x="${CX}" y="${CY - 12}" text-anchor="middle" font-size="30" font-weight="700" fill="#1b1b1b">${score}</text>
<text x="${CX}" y="${CY + 14}" text-anchor="middle" font-size="18" fill="#1b1b1b">${grade}</text>
</svg>`;
}
