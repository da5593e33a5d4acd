/**
 * A small concurrency limit for integration tests that start several CLI processes at once: `limit(fn)` runs `fn`
 * when fewer than `n` earlier calls are still running, so a test file can overlap its runs without starting more
 * Node processes than the machine has cores for.
 */
import { availableParallelism } from 'node:os';

/** Returns a function that runs tasks with at most `n` at a time (default: the number of cores, at least 2). */
export function concurrencyLimit(n = Math.max(2, availableParallelism())): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: Array<() => void> = [];
  const next = (): void => {
    if (active >= n) return;
    const start = queue.shift();
    if (start) start();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push(() => {
        active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
}

/** Marks a promise as handled (a test that awaits it later still sees the rejection). */
export function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
