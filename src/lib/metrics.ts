import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Figures read by the sandbox and operators at `GET /metrics` (Prometheus text). */
export interface Metrics {
  registry: Registry;
  revokeLateness: Histogram;
}

/**
 * `countsFromStore` is read at scrape time, so the figures are those of Postgres
 * (the truth), whichever process did the work.
 */
export function createMetrics(countsFromStore: () => Promise<{ requestsByStatus: Record<string, number>; activeGrants: number }>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'jitbot_process_' });
  // collect() runs on every scrape; one query feeds both gauges.
  let inFlight: ReturnType<typeof countsFromStore> | null = null;
  const refresh = () => (inFlight ??= countsFromStore().finally(() => (inFlight = null)));
  new Gauge({
    name: 'jitbot_requests',
    help: 'Access requests by current status (outcome)',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      const counts = await refresh();
      this.reset();
      for (const [status, n] of Object.entries(counts.requestsByStatus)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'jitbot_grants_active',
    help: 'Grants currently active',
    registers: [registry],
    async collect() {
      this.set((await refresh()).activeGrants);
    },
  });
  const revokeLateness = new Histogram({
    name: 'jitbot_revoke_lateness_seconds',
    help: "Time from a grant's expiry to the provider confirming its revoke",
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60, 300],
    registers: [registry],
  });
  return { registry, revokeLateness };
}
