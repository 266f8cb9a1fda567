import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Runs the shell commands the README's quick start shows, as a newcomer pastes them, in a
 * scratch folder that looks like a clone (the repository's `cli/`, `config/`, `scripts/`, `package.json` and
 * `node_modules/` linked in; `npm start` and `npm run demo` compile the CLI first when it is stale), so nothing is written into the repository. Two changes only, both so
 * the run ends and cannot collide with other tests: `npm start` and `run` get `--once`, a scratch
 * `--data-dir` and `--port 0`. `npm install` and `npm test` are what CI itself runs, so they are
 * only checked to be there.
 */
const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '..', '..');

interface Block {
  lang: string;
  code: string;
}

function sectionBlocks(readme: string, heading: string): Block[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README has no "## ${heading}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/^```(\w+)\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1] as string, code: m[2] as string }));
}

/** Sends the output of the n-th command that ends in `&` to `background-n.log`. */
function backgroundToFiles(code: string): string {
  let n = 0;
  return code.replace(/ &$/gm, () => {
    n += 1;
    return ` > background-${n}.log 2>&1 &`;
  });
}

async function bash(script: string, cwd: string, timeout = 110_000): Promise<string> {
  const { stdout, stderr } = await execFileAsync('bash', ['-c', script], { cwd, timeout, maxBuffer: 16 * 1024 * 1024 });
  return `${stdout}${stderr}`;
}

describe('the README quick start, run as shown', () => {
  let readme: string;
  let clone: string;

  beforeAll(async () => {
    readme = await readFile(join(repoRoot, 'README.md'), 'utf8');
    clone = await mkdtemp(join(tmpdir(), 'news-alerts-readme-'));
    for (const entry of ['cli', 'config', 'shared', 'infra', 'functions', 'scripts', 'node_modules', 'package.json', 'tsconfig.json']) {
      await symlink(join(repoRoot, entry), join(clone, entry));
    }
  });

  afterAll(async () => {
    await rm(clone, { recursive: true, force: true });
  });

  it('the two commands are the scripts package.json has', async () => {
    const [commands] = sectionBlocks(readme, 'The two commands');
    expect(commands?.code).toMatch(/^npm install && npm start\b/m);
    expect(commands?.code).toMatch(/^npm test\b/m);
    const { scripts } = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBeDefined();
    expect(scripts.test).toBeDefined();
  });

  it('npm start starts the pipeline with the default feeds', async () => {
    // Offline, every default feed fails to resolve; what matters is that it starts, polls each and ends.
    const output = await bash('npm start --silent -- --once --data-dir start-data --port 0 || true', clone);
    expect(output).toMatch(/^news-alerts polling once: \d+ feeds/m);
    expect(output).toMatch(/^done: \d+ feeds polled/m);
  }, 120_000);

  it('npm run demo runs the pipeline over the bundled feeds', async () => {
    const [demo] = sectionBlocks(readme, 'First, try the demo (offline)');
    expect(demo?.code.trim()).toBe('npm run demo');
    const output = await bash(`${demo?.code.trim()} -- --data-dir demo-data`, clone);
    expect(output).toMatch(/^ {2}feeds {7}3 polled, 0 failed$/m);
    expect(output).toMatch(/^ {2}webhook {5}\d+ delivered, 0 already sent, 0 failed \(receiver got \d+\)$/m);
  }, 120_000);

  it('your own feed and receiver: each alert reaches the receiver', async () => {
    const [serve, config, runOnce] = sectionBlocks(readme, 'Then, your own feed and your own receiver');
    expect(serve?.lang).toBe('sh');
    expect(config?.lang).toBe('yaml');
    expect(runOnce?.code).toMatch(/npx news-alerts run --config my-alerts\/config\.yaml/);
    const configPath = /A config file, `([^`]+)`/.exec(readme)?.[1];
    expect(configPath).toBe('my-alerts/config.yaml');
    const script = [
      'set -e',
      // The README's own `kill %1 %2`, on every way out.
      "trap 'kill $(jobs -p) 2>/dev/null || true' EXIT",
      // Each background helper's output to its own file: the second one is the receiver.
      backgroundToFiles(serve?.code ?? ''),
      'for i in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/8000 && exec 4<>/dev/tcp/127.0.0.1/9000) 2>/dev/null && break; sleep 0.2; done',
      `cat > ${configPath} <<'YAML'\n${config?.code}YAML`,
      `${runOnce?.code.trim()} --port 0`,
      'sleep 0.5',
    ].join('\n');
    const output = await bash(script, clone);
    const alerts = Number(/^done: 1 feeds polled \(0 failed\), (\d+) alerts$/m.exec(output)?.[1]);
    expect(alerts).toBeGreaterThan(0);
    const received = (await readFile(join(clone, 'background-2.log'), 'utf8'))
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as { type: string; story: { title: string } });
    expect(received).toHaveLength(output.match(/^sent {4}webhook to me/gm)?.length ?? -1);
    expect(received.every((payload) => payload.type === 'story.alert')).toBe(true);
  }, 120_000);
});
