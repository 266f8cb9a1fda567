/**
 * What an operator chooses per deployment to run the stack on day 2, read from CDK context:
 * the stage (a separate stack and resources per stage), who is told of alarms, the concurrency
 * caps, and tables the stack should use instead of creating its own (a restored table, or the
 * tables a destroyed stack left behind). Keys that name a queue, function or table take it
 * after a dot (`-c maxConcurrency.email=5`) or as an object in `cdk.json`
 * (`"maxConcurrency": { "email": 5 }`). Every value is validated; a bad one fails the synth
 * with a message naming the key.
 */
import { z } from 'zod';
import { ConfigError } from '../../shared/core/errors.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';
import type { FunctionName, QueueName, TableName, Topology } from '../topology.ts';

/** Context keys an operator may set; the keyed ones take a topology name after a dot. */
export const operationsContextKeys = {
  stage: 'stage',
  alarmEmail: 'alarmEmail',
  /** `maxConcurrency.<queue>`: the cap of the event source that consumes the queue. */
  maxConcurrency: 'maxConcurrency',
  /** `reservedConcurrency.<function>`: a number, or `none` for no reservation. */
  reservedConcurrency: 'reservedConcurrency',
  /** `existingTable.<table>`: the physical name of a durable table to use instead of creating one. */
  existingTable: 'existingTable',
} as const;

export interface OperationsSettings {
  /** Absent: the default stage, whose stack keeps the name `NewsAlerts`. */
  stage?: string;
  /** The address subscribed to the alarm topic. */
  alarmEmail?: string;
  maxConcurrency: Partial<Record<QueueName, number>>;
  /** `none` removes the topology's reservation (accounts with too small a concurrency quota). */
  reservedConcurrency: Partial<Record<FunctionName, number | 'none'>>;
  existingTables: Partial<Record<TableName, string>>;
}

/** Lambda's range for `ScalingConfig.MaximumConcurrency` of an SQS event source. */
export const maxConcurrencyRange = { min: 2, max: 1000 } as const;

const stageSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,19}$/,
    'must be 1–20 lowercase letters, digits or hyphens, starting with a letter (it becomes part of the stack name)',
  );

const capSchema = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number')
  .min(maxConcurrencyRange.min, `must be from ${maxConcurrencyRange.min} to ${maxConcurrencyRange.max} (the range Lambda allows)`)
  .max(maxConcurrencyRange.max, `must be from ${maxConcurrencyRange.min} to ${maxConcurrencyRange.max} (the range Lambda allows)`);

const reservationSchema = z.union([z.number(), z.string()]).transform((value, context) => {
  if (value === 'none') return 'none' as const;
  const number = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isInteger(number) || number < 1) {
    // 0 would throttle every invocation: never what an operator means.
    context.addIssue({ code: 'custom', message: 'must be a whole number of at least 1, or none (no reservation)' });
    return z.NEVER;
  }
  return number;
});

/** DynamoDB's rule for table names. */
const tableNameSchema = z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3–255 letters, digits, _ . -)');

/**
 * Validates the operations settings against the topology. `context` is the app's whole context
 * (`app.node.getAllContext()`), so a key under a known prefix with an unknown name is caught.
 */
export function readOperationsSettings(context: Record<string, unknown>, topology: Topology): OperationsSettings {
  const queueNames = Object.keys(topology.queues) as QueueName[];
  const functionNames = Object.keys(topology.functions) as FunctionName[];
  const durableTables = (Object.keys(topology.tables) as TableName[]).filter((name) => topology.tables[name].durable);

  const keyed = {
    maxConcurrency: keyedValues(context, operationsContextKeys.maxConcurrency, queueNames, 'queue'),
    reservedConcurrency: keyedValues(context, operationsContextKeys.reservedConcurrency, functionNames, 'function'),
    existingTable: keyedValues(context, operationsContextKeys.existingTable, durableTables, 'durable table'),
  };
  const schema = z.object({
    stage: stageSchema.optional(),
    alarmEmail: z.email('must be an email address').optional(),
    maxConcurrency: z.object(Object.fromEntries(queueNames.map((name) => [name, capSchema.optional()]))),
    reservedConcurrency: z.object(Object.fromEntries(functionNames.map((name) => [name, reservationSchema.optional()]))),
    existingTable: z.object(Object.fromEntries(durableTables.map((name) => [name, tableNameSchema.optional()]))),
  });
  const result = schema.safeParse({
    stage: context[operationsContextKeys.stage] ?? undefined,
    alarmEmail: context[operationsContextKeys.alarmEmail] ?? undefined,
    ...keyed,
  });
  if (!result.success) throw new ConfigError(`CDK context is invalid: ${formatZodIssues(result.error.issues)}`);

  const settings: OperationsSettings = {
    ...(result.data.stage !== undefined ? { stage: result.data.stage } : {}),
    ...(result.data.alarmEmail !== undefined ? { alarmEmail: result.data.alarmEmail } : {}),
    maxConcurrency: definedEntries(result.data.maxConcurrency) as OperationsSettings['maxConcurrency'],
    reservedConcurrency: definedEntries(result.data.reservedConcurrency) as OperationsSettings['reservedConcurrency'],
    existingTables: definedEntries(result.data.existingTable) as OperationsSettings['existingTables'],
  };
  checkCapsWithinReservations(withCapacitySettings(topology, settings));
  return settings;
}

/**
 * The topology with the deployment's caps and reservations applied: the stack is built from
 * this, so the template shows exactly what runs.
 */
export function withCapacitySettings(topology: Topology, settings: OperationsSettings): Topology {
  const functions = Object.fromEntries(
    Object.entries(topology.functions).map(([name, spec]) => {
      const trigger =
        spec.trigger.kind === 'queue'
          ? { ...spec.trigger, maxConcurrency: settings.maxConcurrency[spec.trigger.queue] ?? spec.trigger.maxConcurrency }
          : spec.trigger;
      const reservation = settings.reservedConcurrency[name as FunctionName];
      const { reservedConcurrency: _, ...rest } = spec;
      const reservedConcurrency = reservation === undefined ? spec.reservedConcurrency : reservation === 'none' ? undefined : reservation;
      return [name, { ...rest, trigger, ...(reservedConcurrency !== undefined ? { reservedConcurrency } : {}) }];
    }),
  ) as Topology['functions'];
  return { ...topology, functions };
}

/** A reservation below the event source's cap makes Lambda throttle its own poller. */
function checkCapsWithinReservations(topology: Topology): void {
  for (const [name, spec] of Object.entries(topology.functions)) {
    if (spec.trigger.kind !== 'queue' || spec.reservedConcurrency === undefined) continue;
    if (spec.reservedConcurrency < spec.trigger.maxConcurrency) {
      throw new ConfigError(
        `CDK context is invalid: maxConcurrency.${spec.trigger.queue} (${spec.trigger.maxConcurrency}) is above ` +
          `reservedConcurrency.${name} (${spec.reservedConcurrency}): Lambda would throttle its own event source; ` +
          'lower the cap or raise the reservation',
      );
    }
  }
}

/** `prefix.name` keys and a `prefix` object, merged (the dotted key wins); unknown names throw. */
function keyedValues(context: Record<string, unknown>, prefix: string, names: readonly string[], what: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const nested = context[prefix];
  if (nested !== undefined && nested !== null) {
    if (typeof nested !== 'object' || Array.isArray(nested)) {
      throw new ConfigError(
        `CDK context is invalid: ${prefix}: give one value per ${what}, as ${prefix}.<name>=<value> (got ${JSON.stringify(nested)})`,
      );
    }
    Object.assign(values, nested);
  }
  for (const [key, value] of Object.entries(context)) {
    if (key.startsWith(`${prefix}.`)) values[key.slice(prefix.length + 1)] = value;
  }
  for (const name of Object.keys(values)) {
    if (!names.includes(name)) {
      throw new ConfigError(`CDK context is invalid: ${prefix}.${name}: no such ${what} (${names.join(', ')})`);
    }
  }
  return values;
}

function definedEntries(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}
