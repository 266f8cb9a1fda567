/**
 * `load` run at the first call only, its result shared by every later call. A load that fails is
 * not kept: the next call tries again (a cold start's failed `import()` or a missing setting
 * later fixed must not stick until the next cold start).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}
