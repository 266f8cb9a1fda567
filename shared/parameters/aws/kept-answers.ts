/**
 * Answers kept by key for a while: the cache the Secrets Manager and SSM adapters share. A key's
 * answer is read once and handed to every call for `maxAgeSeconds` after it arrived; a call while
 * that read is under way waits for it instead of sending its own (a cold start's concurrent
 * requests ask for the same secret at once). A read that fails is not kept: the next call reads again.
 */
export function keepAnswers<T>(maxAgeSeconds: number): (key: string, read: () => Promise<T>) => Promise<T> {
  // `until` is open while the read is under way, so calls meanwhile share its promise.
  const kept = new Map<string, { answer: Promise<T>; until: number }>();
  return function keptAnswer(key, read) {
    const entry = kept.get(key);
    if (entry && entry.until > Date.now()) return entry.answer;
    const answer = read();
    const fresh = { answer, until: Number.POSITIVE_INFINITY };
    kept.set(key, fresh);
    answer.then(
      () => {
        fresh.until = Date.now() + maxAgeSeconds * 1000;
      },
      () => {
        if (kept.get(key) === fresh) kept.delete(key);
      },
    );
    return answer;
  };
}
