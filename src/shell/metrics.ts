/** Prometheus metrics for the HTTP server and the decision path. */

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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
  return { registry, requests, decisions, recordsFiled };
}
