/**
 * The numbers behind the stack's alarms, derived from the topology where they can be, and
 * kept free of aws-cdk-lib so tests and the README can check them directly.
 */
import type { FunctionName, FunctionSpec, QueueName, QueueSpec, Topology } from '../topology.ts';

/**
 * SQS stops counting a message in `ApproximateAgeOfOldestMessage` after its third receive
 * (it moves to the back of the queue; a poison message cannot hold the metric up).
 */
const countedReceives = 3;

/**
 * The age past which a queue's oldest message means its consumer is not keeping up (backlog,
 * throttling, or a consumer that fails without reporting). A healthy message is counted for at
 * most three receives; between two of them it waits at most one visibility timeout (the
 * delivery retry delays of the first two retries, 5 s and 20 s, are shorter), and the third
 * runs for at most the consumer's timeout. Anything older is not a retry in progress.
 */
export function oldestMessageAgeThresholdSeconds(queue: QueueSpec, consumer: FunctionSpec): number {
  const waits = Math.min(queue.maxReceiveCount, countedReceives) - 1;
  return waits * queue.visibilityTimeoutSeconds + consumer.timeoutSeconds;
}

/** The function the topology puts on a queue; every queue has exactly one. */
export function consumerOf(topology: Topology, queue: QueueName): [FunctionName, FunctionSpec] {
  const consumers = (Object.entries(topology.functions) as [FunctionName, FunctionSpec][]).filter(
    ([, spec]) => spec.trigger.kind === 'queue' && spec.trigger.queue === queue,
  );
  if (consumers.length !== 1) {
    throw new Error(`alarm thresholds: queue ${queue} has ${consumers.length} consumers, the topology allows one`);
  }
  return consumers[0]!;
}

/** Minutes the oldest message must stay above its threshold before the alarm fires. */
export const oldestMessageAlarmMinutes = 3;

/**
 * A function's errors (crashes and timeouts; a record that fails is a batch item failure, not
 * an error) alarm when two of three 5-minute periods have any: one transient timeout does not
 * wake anyone, a function failing on every run does within ten minutes.
 */
export const functionErrorAlarm = { periodMinutes: 5, evaluationPeriods: 3, datapointsToAlarm: 2 } as const;

/**
 * Any throttle in 5 minutes alarms: with capped event sources Lambda should never throttle, so
 * one means the account's concurrency ran out or the HTTP API hit its reservation.
 */
export const functionThrottleAlarm = { periodMinutes: 5 } as const;

/**
 * SES reputation (account-wide, `AWS/SES`): alarm above the rates AWS asks senders to stay
 * under (bounces 5 %, complaints 0.1 %), well before those at which it puts the account under
 * review (10 %, 0.5 %), so there is time to act.
 */
export const sesReputationThresholds = { bounceRate: 0.05, complaintRate: 0.001, periodMinutes: 15 } as const;
