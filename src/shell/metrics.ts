/** Prometheus metrics for the HTTP server and the decision path. */

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import {
  logPublicationStatus,
  type PublicationStatus,
  type WitnessStatus,
} from '../services/ledger/log-publication.service.ts';
import type { Runtime } from '../services/runtime/runtime.ts';

export interface Metrics {
  readonly registry: Registry;
  readonly requests: Histogram<'method' | 'route' | 'status'>;
  readonly decisions: Counter<'action' | 'outcome'>;
  readonly recordsFiled: Counter<'status'>;
}

export function createMetrics(rt: Runtime): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'credence_' });
  const requests = new Histogram({
    name: 'credence_http_request_duration_seconds',
    help: 'HTTP request duration',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'credence_decisions_total',
    help: 'Decisions answered',
    labelNames: ['action', 'outcome'] as const,
    registers: [registry],
  });
  const recordsFiled = new Counter({
    name: 'credence_records_total',
    help: 'Records filed, by answer',
    labelNames: ['status'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'credence_decision_index_entries',
    help: 'Identifiers in the decision index',
    registers: [registry],
    collect() {
      this.set(rt.index.size);
    },
  });
  new Gauge({
    name: 'credence_inquiry_log_pending',
    help: 'Inquiries queued, not yet committed',
    registers: [registry],
    collect() {
      this.set(rt.log.pending);
    },
  });
  logMetrics(rt, registry);
  return { registry, requests, decisions, recordsFiled };
}

const seconds = (date: Date | null) => (date === null ? 0 : date.getTime() / 1000);

/**
 * The log's tree sizes, signed and published, the quorum, and per witness (labelled by its key's name): the
 * size it last cosigned, since when it fails and when it is retried (Unix seconds, 0 when it is not failing).
 */
function logMetrics(rt: Runtime, registry: Registry): void {
  // A scrape collects every gauge at once: they share one read of the state.
  let reading: Promise<PublicationStatus> | null = null;
  const read = () => {
    reading ??= logPublicationStatus(rt).finally(() => {
      reading = null;
    });
    return reading;
  };
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    fill: (g: Gauge<L>, status: PublicationStatus) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const status = await read();
        this.reset();
        fill(this, status);
      },
    });
  gauge('credence_log_witness_quorum', 'Witness cosignatures a published checkpoint needs', [], (g, s) =>
    g.set(s.quorum),
  );
  gauge('credence_log_tree_size', 'Tree size of the latest checkpoint, signed or published', ['checkpoint'], (g, s) => {
    g.set({ checkpoint: 'signed' }, s.signed_size ?? 0);
    g.set({ checkpoint: 'published' }, s.published_size ?? 0);
  });
  const perWitness = (name: string, help: string, value: (w: WitnessStatus) => number) =>
    gauge(name, help, ['witness'], (g, s) => {
      for (const w of s.witnesses) g.set({ witness: w.verifier_key.split('+').slice(0, 2).join('+') }, value(w));
    });
  perWitness('credence_log_witness_cosigned_size', 'Tree size a witness last cosigned', (w) => w.cosigned_size ?? 0);
  perWitness('credence_log_witness_failing_since_seconds', 'When a witness started failing', (w) =>
    seconds(w.failing_since),
  );
  perWitness('credence_log_witness_next_retry_seconds', 'When a failing witness is tried again', (w) =>
    seconds(w.next_attempt_at),
  );
}
