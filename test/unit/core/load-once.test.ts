import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../../shared/core/load-once.ts';

describe('loadOnce', () => {
  it('loads at the first call only and shares the result, concurrent callers included', async () => {
    let loads = 0;
    const get = loadOnce(async () => ({ n: ++loads }));
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([get(), get()]);
    const c = await get();
    expect(loads).toBe(1);
    expect(a).toBe(b);
    expect(c).toBe(a);
  });

  it('does not keep a failed load: the next call tries again', async () => {
    let loads = 0;
    const get = loadOnce(async () => {
      loads += 1;
      if (loads === 1) throw new Error('import failed');
      return 'loaded';
    });
    await expect(get()).rejects.toThrow('import failed');
    await expect(get()).resolves.toBe('loaded');
    await expect(get()).resolves.toBe('loaded');
    expect(loads).toBe(2);
  });
});
