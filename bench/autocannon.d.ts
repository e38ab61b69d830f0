// The part of autocannon's programmatic API the bench uses (the package ships no types).
declare module 'autocannon' {
  export interface Histogram {
    readonly average: number;
    readonly mean: number;
    readonly stddev: number;
    readonly min: number;
    readonly max: number;
    readonly total: number;
    readonly p50: number;
    readonly p90: number;
    readonly p99: number;
  }

  export interface Result {
    readonly requests: Histogram;
    readonly latency: Histogram;
    readonly duration: number;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
    readonly '2xx': number;
    readonly statusCodeStats: Record<string, { count: number }>;
  }

  export interface RequestSpec {
    readonly method?: string;
    readonly path?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
  }

  /** One connection's client, as `setupClient` is given it. */
  export interface Client {
    /** The requests this connection cycles through, built now. */
    setRequests(requests: RequestSpec[]): void;
  }

  export interface Options {
    readonly url: string;
    readonly connections?: number;
    readonly duration?: number;
    readonly method?: string;
    readonly headers?: Record<string, string>;
    readonly body?: string;
    readonly requests?: RequestSpec[];
    /** Called for each connection as it is made, before its first request. */
    readonly setupClient?: (client: Client) => void;
    /** Requests per second over all connections (a fixed rate instead of as fast as possible). */
    readonly overallRate?: number;
  }

  /** A running load: its result once done, and its events meanwhile. */
  export interface Instance extends Promise<Result> {
    /** A request that failed without an answer: a connection error (its code) or a timeout. */
    on(event: 'reqError', listener: (error: Error & { readonly code?: string }) => void): this;
  }

  function autocannon(options: Options): Instance;
  export default autocannon;
}
