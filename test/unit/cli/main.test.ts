import { describe, expect, it } from 'vitest';
import { main } from '../../../cli/main.ts';
import { captureIo } from '../../helpers/capture-io.ts';

describe('news-alerts CLI', () => {
  it('prints help listing every command, exit 0', async () => {
    const { io, out } = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const command of ['run', 'demo', 'classify', 'eval', 'parse', 'feeds']) expect(out()).toContain(`  ${command}`);
  });

  it('prints the package version', async () => {
    const { io, out } = captureIo();
    expect(await main(['--version'], io)).toBe(0);
    expect(out().trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('has --help on every command', async () => {
    for (const command of ['run', 'demo', 'classify', 'eval', 'parse', 'feeds']) {
      const { io, out } = captureIo();
      expect(await main([command, '--help'], io)).toBe(0);
      expect(out()).toContain(`Usage: news-alerts ${command}`);
    }
  });

  it('exits 2 on an unknown command or flag, saying what was wrong', async () => {
    const unknown = captureIo();
    expect(await main(['frobnicate'], unknown.io)).toBe(2);
    expect(unknown.err()).toContain('unknown command "frobnicate"');
    const badFlag = captureIo();
    expect(await main(['demo', '--jsn'], badFlag.io)).toBe(2);
    expect(badFlag.err()).toContain('--jsn');
    const badPort = captureIo();
    expect(await main(['run', '--port', 'eighty'], badPort.io)).toBe(2);
    expect(badPort.err()).toContain('--port must be 0–65535');
  });

  it('exits 1 with a clear message when the config file is missing', async () => {
    const { io, err } = captureIo();
    expect(await main(['run', '--config', '/nonexistent/cfg.yaml', '--once'], io)).toBe(1);
    expect(err()).toContain('config file cannot be read: no such file (/nonexistent/cfg.yaml)');
  });
});
