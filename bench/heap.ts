/** Full garbage collection for measurements; needs node --expose-gc (npm run bench passes it). */

/** Collects garbage twice (to finish weak and finalised objects) and returns heapUsed in bytes. */
export function collectGarbage(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with node --expose-gc (npm run bench does)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
