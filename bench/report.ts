/**
 * The bench's output: one table for people, or one JSON object for machines. A missed target
 * is printed as MISS; the bench measures, it never fails because of a figure.
 */

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memory_gb: number;
  readonly node: string;
  readonly postgres: string;
  readonly database: string;
  /** One-minute load average when the bench started: the machine should be otherwise idle. */
  readonly load_average: number;
  /** The commit measured (`-dirty` if src/ or policies/ had changes). */
  readonly commit: string;
  /** CREDENCE_INQUIRY_SYNCHRONOUS_COMMIT as the HTTP server saw it. */
  readonly inquiry_synchronous_commit: string;
}

interface Target {
  readonly op: '>=' | '<=';
  readonly value: number;
}

interface Row {
  readonly key: string;
  readonly label: string;
  readonly unit: string;
  readonly target?: Target;
}

/** Every figure, in print order. Rows with a target are the DESIGN.md performance targets. */
const ROWS: readonly Row[] = [
  { key: 'decision_http_per_s', label: 'HTTP: POST /v1/decisions (log on)', unit: 'req/s' },
  { key: 'decision_http_per_s_log_off', label: 'HTTP: POST /v1/decisions, log off', unit: 'req/s' },
  {
    key: 'decision_http_log_on_ratio',
    label: 'HTTP: decisions, log on / log off',
    unit: '×',
    target: { op: '>=', value: 0.9 },
  },
  { key: 'bare_route_http_per_s', label: 'HTTP: GET /health/live (bare route)', unit: 'req/s' },
  { key: 'decision_http_ratio', label: 'HTTP: decision / bare route', unit: '×', target: { op: '>=', value: 0.8 } },
  { key: 'decision_http_p99_ms', label: 'HTTP: decision latency p99', unit: 'ms' },
  { key: 'bare_route_http_p99_ms', label: 'HTTP: bare route latency p99', unit: 'ms' },
  { key: 'decision_http_server_cores', label: 'HTTP: server CPU under decision load', unit: 'cores' },
  { key: 'bare_route_http_server_cores', label: 'HTTP: server CPU under bare-route load', unit: 'cores' },
  { key: 'decision_http_postgres_cores', label: 'HTTP: PostgreSQL CPU under decision load', unit: 'cores' },
  {
    key: 'decision_http_postgres_us_per_decision',
    label: 'HTTP: PostgreSQL CPU per logged decision',
    unit: 'µs',
    target: { op: '<=', value: 43 },
  },
  { key: 'decision_load_per_s_c50', label: 'HTTP: decisions, 50 connections', unit: 'req/s' },
  { key: 'decision_load_p99_ms_c50', label: 'HTTP: decision p99, 50 connections', unit: 'ms' },
  { key: 'decision_load_per_s_c200', label: 'HTTP: decisions, 200 connections', unit: 'req/s' },
  { key: 'decision_load_p99_ms_c200', label: 'HTTP: decision p99, 200 connections', unit: 'ms' },
  { key: 'decision_load_per_s_c1000', label: 'HTTP: decisions, 1,000 connections', unit: 'req/s' },
  { key: 'decision_load_p99_ms_c1000', label: 'HTTP: decision p99, 1,000 connections', unit: 'ms' },
  { key: 'decision_load_failed_c1000', label: 'HTTP: decisions failed, 1,000 connections', unit: 'requests' },
  {
    key: 'decision_load_postgres_us_per_decision',
    label: 'HTTP: PostgreSQL CPU per decision, 50 conn.',
    unit: 'µs',
  },
  { key: 'decision_request_log_ratio', label: 'HTTP: decisions, default request log / none', unit: '×' },
  {
    key: 'decision_request_log_cpu_ratio',
    label: 'HTTP: server CPU/decision, none / default log',
    unit: '×',
    target: { op: '>=', value: 0.9 },
  },
  { key: 'soak_target_per_s', label: 'Soak: rate asked (70% of 50-conn. rate), 60 s', unit: 'req/s' },
  { key: 'soak_decisions_per_s', label: 'Soak: decisions answered', unit: 'req/s' },
  { key: 'soak_p99_ms', label: 'Soak: decision latency p99', unit: 'ms' },
  { key: 'soak_failed', label: 'Soak: failed requests', unit: 'requests', target: { op: '<=', value: 0 } },
  {
    key: 'soak_inquiries_minus_answers',
    // Below 0, an answered decision's inquiry was lost; above 0, requests logged but not answered in time (failed).
    label: 'Soak: inquiries logged less decisions answered',
    unit: 'inquiries',
    target: { op: '>=', value: 0 },
  },
  { key: 'soak_rss_early_mib', label: 'Soak: server memory, seconds 10-20', unit: 'MiB' },
  { key: 'soak_rss_late_mib', label: 'Soak: server memory, last 10 s', unit: 'MiB' },
  { key: 'soak_rss_growth', label: 'Soak: server memory, late / early', unit: '×', target: { op: '<=', value: 1.1 } },
  { key: 'decision_http_generator_cores', label: 'HTTP: load generator CPU, decisions', unit: 'cores' },
  { key: 'bare_route_http_generator_cores', label: 'HTTP: load generator CPU, bare route', unit: 'cores' },
  {
    key: 'batch_checks_per_s',
    label: 'Batch checks in-process (checkSubjects)',
    unit: 'subjects/s',
    target: { op: '>=', value: 1_000_000 },
  },
  { key: 'batch_decisions_logged_per_s', label: 'Batch decisions, inquiry log committed', unit: 'subjects/s' },
  { key: 'single_decisions_logged_per_s', label: 'Single decide() ×50 in flight, logged', unit: 'decisions/s' },
  { key: 'import_records_per_s', label: 'Import: fileRecords, log on', unit: 'records/s' },
  { key: 'import_records_per_s_log_off', label: 'Import: fileRecords, log off', unit: 'records/s' },
  { key: 'import_log_on_ratio', label: 'Import: log on / log off', unit: '×', target: { op: '>=', value: 0.9 } },
  { key: 'raw_copy_rows_per_s', label: 'Raw COPY, same rows, unindexed table', unit: 'rows/s' },
  { key: 'import_vs_copy_ratio', label: 'Import / raw COPY', unit: '×', target: { op: '>=', value: 0.5 } },
  { key: 'raw_copy_indexed_rows_per_s', label: "Raw COPY, same rows, records' indexes", unit: 'rows/s' },
  { key: 'raw_copy_all_written_records_per_s', label: 'Raw COPY of all tables the import wrote', unit: 'records/s' },
  { key: 'import_vs_copy_all_written_ratio', label: 'Import / COPY of all it wrote', unit: '×' },
  {
    key: 'raw_copy_into_written_records_per_s',
    label: 'Raw COPY of all it wrote, into its own tables',
    unit: 'records/s',
  },
  {
    key: 'import_vs_copy_into_written_ratio',
    label: 'Import / COPY of all it wrote, into its own tables',
    unit: '×',
    target: { op: '>=', value: 0.8 },
  },
  {
    key: 'log_integration_entries_per_s',
    label: 'Log: ledger events into the Merkle tree',
    unit: 'entries/s',
    target: { op: '>=', value: 50_000 },
  },
  { key: 'log_publish_p50_ms', label: 'Log: write to published checkpoint, p50', unit: 'ms' },
  {
    key: 'log_publish_p99_ms',
    label: 'Log: write to published checkpoint, p99',
    unit: 'ms',
    target: { op: '<=', value: 2_000 },
  },
  {
    key: 'evaluations_per_s',
    label: 'Rescoring: evaluateSubject (pure)',
    unit: 'subjects/s',
    target: { op: '>=', value: 200_000 },
  },
  { key: 'rescoring_subjects_per_s', label: 'Rescoring: a policy activation end to end', unit: 'subjects/s' },
  {
    key: 'index_bytes_per_listed_subject',
    label: 'Decision index memory per listed identifier',
    unit: 'bytes',
    target: { op: '<=', value: 200 },
  },
  {
    key: 'index_warmup_ms_per_million',
    label: 'Decision index warm-up (COPY), per million listed',
    unit: 'ms',
    // Issue 12: 22 million identifiers warm within 30 s.
    target: { op: '<=', value: 30_000 / 22 },
  },
];

const NOTES = [
  'HTTP: the server runs as a child process; autocannon, 50 connections, 2 s warm-up then 8 s per route.',
  '  Decision bodies cycle over 1,000 pre-built requests (half listed, half unknown subjects, 4 actions).',
  'Import: 40,000 court filings, one per subject, fileRecords in batches of 5,000, in four chunks: log off,',
  "  on, on, off. Log on: the server's log loops (integrator, witness submission) run in the bench process;",
  '  log off: neither runs. COPY: the same rows into `like records` tables (median of 3).',
  "HTTP log off: the same server without the log's background work (bench/serve.ts --log-off). Decisions",
  '  run in 2 s slices (after a warm-up of each), log off, on, on, off, twice, the other server frozen',
  "  (SIGSTOP). Their p99 is the slowest slice's; the ratio, the median of adjacent slices' ratios.",
  'Decisions at 50, 200 and 1,000 connections: two servers without the log, one with the default LOG_LEVEL (as',
  '  `npm start`), one with LOG_LEVEL=silent, in 2 s slices (default, silent, silent, default), the other frozen;',
  '  figures of the default one. Request-log ratios: medians over adjacent slices, of decisions/s and of the',
  "  server's CPU per decision (the rate it allows when CPU-bound; robust to a busy machine). PostgreSQL CPU per",
  "  logged decision: all its processes during the run over decisions answered (target: issue 12's 215 µs / 5).",
  'Log integration: the events of the first import chunk (from an empty tree) and of the last.',
  'Log publish: 100 records filed one at a time over HTTP; from sending each to GET /log/checkpoint covering',
  '  it, cosigned by one local witness (credence witness serve, quorum 1).',
  'Batch checks exclude the inquiry-log wait.',
  'Evaluations: 200,000 in-memory files, full GC first, median of 3 passes.',
  'Index warm-up: 1,000,000 synthetic listed subjects written into the projections, warmed once to cache them,',
  '  then timed (LedgerFollower.warm: COPY of subject_state joined to identifiers); target 22M within 30 s.',
  'Rates are medians or whole-run averages on this machine; targets are from DESIGN.md and issue 9 (the log).',
];

export type Figures = Record<string, number>;

function passes(target: Target, value: number): boolean {
  return target.op === '>=' ? value >= target.value : value <= target.value;
}

/** The target rows a figure misses, by key. */
export function misses(figures: Figures): string[] {
  return ROWS.filter(
    (r) => r.target !== undefined && figures[r.key] !== undefined && !passes(r.target, figures[r.key]!),
  ).map((r) => r.key);
}

/** The JSON answer: every figure, the machine, and which targets were missed. */
export function toJson(figures: Figures, machine: Machine, extra: Record<string, number>): string {
  return JSON.stringify({ ...figures, ...extra, misses: misses(figures), machine });
}

function formatNumber(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(3);
}

/** The table: figure, unit, target and PASS/MISS (or "info" for figures without a target). */
export function toTable(figures: Figures, machine: Machine): string {
  const header = [
    `Credence bench: ${machine.cores} cores (${machine.cpu}), ${machine.memory_gb} GB, Node ${machine.node}, ` +
      `load average ${machine.load_average} at start`,
    `Database: ${machine.postgres}, ${machine.database}`,
    `Source: ${machine.commit}; server inquiry log synchronous_commit ${machine.inquiry_synchronous_commit}`,
    '',
  ];
  const lines = ROWS.filter((r) => figures[r.key] !== undefined).map((r) => {
    const value = figures[r.key]!;
    const target = r.target === undefined ? '' : `${r.target.op} ${formatNumber(r.target.value)}`;
    const verdict = r.target === undefined ? 'info' : passes(r.target, value) ? 'PASS' : 'MISS';
    return [
      r.label.padEnd(46),
      formatNumber(value).padStart(12),
      ` ${r.unit}`.padEnd(13),
      target.padStart(13),
      `  ${verdict}`,
    ].join('');
  });
  const title = [
    'figure'.padEnd(46),
    'measured'.padStart(12),
    ' unit'.padEnd(13),
    'target'.padStart(13),
    '  verdict',
  ].join('');
  return [...header, title, '-'.repeat(title.length), ...lines, '', ...NOTES, ''].join('\n');
}
