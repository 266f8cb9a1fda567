/** Timings of WebSub subscriptions: lease asked for, renewal, retries, and the safety poll. */
export const WEBSUB_SETTINGS = {
  /** Lease asked for (`hub.lease_seconds`): a week; the hub may grant another. */
  leaseSeconds: 7 * 24 * 60 * 60,
  /** A lease ending within this is renewed at the next poll (several safety polls fall in it). */
  renewWithinMinutes: 3 * 60,
  /** A pushed feed is still polled this often (or at its own interval, if longer): the safety net. */
  safetyPollMinutes: 60,
  /** A safety poll is placed at least this long before the lease ends, so renewal never lapses. */
  leaseMarginMinutes: 5,
  /** A request the hub accepted but never verified is asked again after this. */
  pendingRetryMinutes: 30,
  /** A hub that refused is asked again after this. */
  refusedRetryMinutes: 24 * 60,
  /** Items a safety poll finds within this of the subscription's verification are not held against the hub. */
  silenceGraceMinutes: 2,
  /** Largest push body carried on the poll queue (base64 grows it by a third; SQS takes 256 KiB). */
  maxPushBytes: 180 * 1024,
} as const;
