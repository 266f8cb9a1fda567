/**
 * Schedule triggers as timers: each job runs once at start, then every `everyMinutes`. A job
 * never overlaps itself: a tick that finds the previous run still going is skipped, and
 * `runNow` waits for it and then runs.
 */
import type { Log } from '../../shared/core/logger.ts';

export interface ScheduledJob {
  name: string;
  everyMinutes: number;
  run(): Promise<unknown>;
}

export interface Scheduler {
  /** Runs in progress (timer or `runNow`). */
  readonly running: number;
  /** Runs every job once now and arms its timer; a second call does nothing. */
  start(): void;
  /** Runs a job now (also when the scheduler was never started) and returns its result. */
  runNow(name: string): Promise<unknown>;
  /** Disarms the timers and resolves once the runs in progress have finished. */
  stop(): Promise<void>;
}

export function createScheduler(jobs: ScheduledJob[], log: Log): Scheduler {
  const byName = new Map(jobs.map((job) => [job.name, job]));
  const current = new Map<string, Promise<unknown>>();
  const timers: NodeJS.Timeout[] = [];
  let started = false;
  let stopped = false;

  function runJob(job: ScheduledJob): Promise<unknown> {
    const run = job.run().finally(() => {
      if (current.get(job.name) === run) current.delete(job.name);
    });
    current.set(job.name, run);
    return run;
  }

  function tick(job: ScheduledJob): void {
    if (stopped || current.has(job.name)) return;
    runJob(job).catch((error: unknown) => {
      log.error(`${job.name} scheduled run failed`, { error: error instanceof Error ? error.message : String(error) });
    });
  }

  return {
    get running() {
      return current.size;
    },
    start() {
      if (started || stopped) return;
      started = true;
      for (const job of jobs) {
        tick(job);
        timers.push(setInterval(() => tick(job), job.everyMinutes * 60_000));
      }
    },
    async runNow(name) {
      const job = byName.get(name);
      if (!job) throw new Error(`no schedule named ${name}: the schedules are ${[...byName.keys()].join(', ') || 'none'}`);
      // A loop, not an if: two callers waiting on the same run must not then overlap.
      for (let running = current.get(name); running; running = current.get(name)) {
        await running.catch(() => {});
      }
      return runJob(job);
    },
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...current.values()]);
    },
  };
}
