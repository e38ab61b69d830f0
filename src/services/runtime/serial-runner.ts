/**
 * Background work that must never overlap with itself (integrating the log, a round of witness
 * submissions): at most one run at a time, and a request during a run queues exactly one more after it,
 * so no request is lost and none piles up.
 */

/** A serial runner: `request` starts or queues a run; `stop` refuses new runs and waits for the one under way. */
export interface SerialRunner {
  request(): void;
  stop(): Promise<void>;
}

/** Runs `work` serially; its failures go to `onError` (the next request runs it again). */
export function serialRunner(work: () => Promise<void>, onError: (error: unknown) => void): SerialRunner {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  const request = (): void => {
    if (stopped) return;
    if (running !== null) {
      again = true;
      return;
    }
    running = work()
      .catch(onError)
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          request();
        }
      });
  };
  return {
    request,
    stop: async () => {
      stopped = true;
      again = false;
      await running;
    },
  };
}
