/** `credence policy simulate` as text: a table per subject kind, sample ids only where they were asked for. */

import type { ChangeCount, DefinitionChange, KindSimulation, PolicySide } from '../../domain/policy-simulation.ts';
import type { PolicySimulation } from '../../services/ledger/policy-simulation.service.ts';

const number = (n: number): string => n.toLocaleString('en-US');

function side(label: string, p: PolicySide): string {
  return `  ${label.padEnd(10)} ${p.id} ${p.version} (digest ${p.digest.slice(0, 12)})`;
}

/** Rows as aligned columns: the first left-aligned, the rest right-aligned. */
function columns(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    `    ${r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd(),
  );
}

function samplesOf(label: string, change: ChangeCount): string[] {
  return change.samples.length === 0 ? [] : [`      ${label}: ${change.samples.join(', ')}`];
}

function gradeLines(k: KindSimulation): string[] {
  if (k.grades.length === 0) return ['  grades: no change'];
  const table = columns([['from → to', 'subjects'], ...k.grades.map((g) => [`${g.from} → ${g.to}`, number(g.count)])]);
  return ['  grade changes', table[0]!, ...k.grades.flatMap((g, i) => [table[i + 1]!, ...samplesOf('subjects', g)])];
}

const named = (id: string, definition: DefinitionChange) => (definition === 'unchanged' ? id : `${id} (${definition})`);

function listLines(k: KindSimulation): string[] {
  const table = columns([
    ['list', 'active now', 'pending now', 'active then', 'pending then', 'joins', 'leaves', 'pending +', 'pending -'],
    ...k.lists.map((l) => [
      named(l.list, l.definition),
      ...[l.before.active, l.before.pending, l.after.active, l.after.pending].map(number),
      ...[l.joins, l.leaves, l.pending_joins, l.pending_leaves].map((c) => number(c.count)),
    ]),
  ]);
  return [
    '  lists',
    table[0]!,
    ...k.lists.flatMap((l, i) => [
      table[i + 1]!,
      ...samplesOf('joins', l.joins),
      ...samplesOf('leaves', l.leaves),
      ...samplesOf('pending joins', l.pending_joins),
      ...samplesOf('pending leaves', l.pending_leaves),
    ]),
  ];
}

function measureLines(k: KindSimulation): string[] {
  if (k.measures.length === 0) return ['  measures: no change'];
  const table = columns([
    ['measure', 'gain', 'lose'],
    ...k.measures.map((m) => [named(m.measure, m.definition), number(m.gains.count), number(m.losses.count)]),
  ]);
  return [
    '  measures',
    table[0]!,
    ...k.measures.flatMap((m, i) => [table[i + 1]!, ...samplesOf('gain', m.gains), ...samplesOf('lose', m.losses)]),
  ];
}

function kindLines(k: KindSimulation): string[] {
  return [
    '',
    `${k.kind}: ${number(k.subjects)} subjects, ${number(k.changed.count)} would change`,
    ...gradeLines(k),
    ...listLines(k),
    ...measureLines(k),
  ];
}

/** The simulation as a readable report. */
export function simulationText(s: PolicySimulation): string {
  const seconds = (s.elapsed_ms / 1000).toFixed(1);
  return [
    `Policy simulation as of ${s.at.toISOString()}`,
    side('active:', s.active),
    side('candidate:', s.candidate),
    `  ${number(s.subjects)} subjects evaluated under both in ${seconds} s ` +
      `(${number(s.subjects_per_second)} subjects/s)`,
    ...s.kinds.flatMap(kindLines),
    '',
  ].join('\n');
}
