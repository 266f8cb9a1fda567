/**
 * The lean case's news-alerts child once, its CPU split by thread (read from /proc while it runs):
 * the main thread, V8's helper threads (optimising compiles, concurrent GC), libuv's pool. What
 * `npm run bench -- --only lean` gives as one figure, taken apart to see which flag or change
 * moves which part. Linux only.
 *
 *   node --import tsx bench/lean-threads.ts [--items N] [--flags="--a --b"]
 *
 * `--items` per feed (20 feeds; default 50, 1 gives the fixed cost); `--flags` are Node flags
 * added to those of `cli/bin.js`'s `#!` line.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildCliIfStale } from './build-if-stale.ts';
import { binNodeFlags, leanConfig, serveLeanFeeds } from './lean.ts';

const FEEDS = 20;
/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS = 100;

const { values } = parseArgs({ options: { items: { type: 'string', default: '50' }, flags: { type: 'string', default: '' } } });
buildCliIfStale();
const server = await serveLeanFeeds(FEEDS, Number(values.items));
const dir = mkdtempSync(join(tmpdir(), 'news-alerts-lean-threads-'));
try {
  writeFileSync(join(dir, 'config.yaml'), `${leanConfig(server.origin, FEEDS)}\n`);
  const bin = fileURLToPath(new URL('../cli/bin.js', import.meta.url));
  const flags = [...binNodeFlags(), ...values.flags.split(' ').filter(Boolean)];
  const args = [...flags, bin, 'run', '--once', '--config', join(dir, 'config.yaml'), '--data-dir', join(dir, 'data'), '--port', '0'];
  const child = spawn(process.execPath, args, { env: { ...process.env, ALLOW_PRIVATE_NETWORK: 'true' }, stdio: 'ignore' });
  // Each thread's last reading: a thread's counts stay in its /proc entry until the process exits.
  const threads = new Map<string, { name: string; user: number; system: number }>();
  let peakKb = 0;
  const sample = () => {
    try {
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0));
      for (const id of readdirSync(`/proc/${child.pid}/task`)) {
        const stat = readFileSync(`/proc/${child.pid}/task/${id}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        threads.set(id, { name: /\((.*)\)/.exec(stat)?.[1] ?? '?', user: Number(fields[11]), system: Number(fields[12]) });
      }
    } catch {
      // The process (or a thread) ended between two reads.
    }
  };
  const timer = setInterval(sample, 20);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearInterval(timer);
  if (code !== 0) throw new Error(`lean-threads: run --once exited with ${code}`);
  const byName = new Map<string, { threads: number; seconds: number }>();
  for (const { name, user, system } of threads.values()) {
    const entry = byName.get(name) ?? { threads: 0, seconds: 0 };
    entry.threads += 1;
    entry.seconds += (user + system) / TICKS;
    byName.set(name, entry);
  }
  const total = [...byName.values()].reduce((sum, entry) => sum + entry.seconds, 0);
  for (const [name, entry] of [...byName].sort((a, b) => b[1].seconds - a[1].seconds)) {
    console.log(`  ${name.padEnd(16)} ${String(entry.threads).padStart(2)} threads  CPU ${entry.seconds.toFixed(2)} s`);
  }
  const emails = readdirSync(join(dir, 'data', 'outbox')).filter((name) => name.endsWith('.eml')).length;
  console.log(
    `  total            CPU ${total.toFixed(2)} s, peak RSS ${(peakKb / 1024).toFixed(0)} MB, ${emails} emails (node ${flags.join(' ')})`,
  );
} finally {
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
