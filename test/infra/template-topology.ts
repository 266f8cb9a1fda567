/**
 * Reads a pipeline topology back out of a synthesized CloudFormation template: queues (with
 * their DLQs), functions (trigger — schedule, SQS, Function URL or SES feedback through SNS —,
 * timeout, memory, the access their IAM policies grant, and the generated secrets they read at
 * run time) and tables. `topology-equality.test.ts` asserts the result deep-equals `infra/topology.ts`;
 * the local runtime's equality test can reuse the same reading.
 *
 * The reading is strict: anything the topology cannot express (two triggers, an unknown
 * DynamoDB action, a cron schedule) throws, so a drift cannot hide behind a lenient parser.
 */
import type {
  FunctionName,
  FunctionSpec,
  QueueName,
  QueueSpec,
  SecretName,
  TableName,
  TableSpec,
  Topology,
  Trigger,
} from '../../infra/topology.ts';
import { secretEnvNames } from '../../infra/aws/function-environment.ts';
import { topologyTagKeys } from '../../infra/aws/resource-tags.ts';

/** The part of a CloudFormation resource this module reads. */
export interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** A synthesized template (`Template.toJSON()` or a `*.template.json`). */
export interface CfnTemplateJson {
  Resources: Record<string, CfnResourceJson>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

/** One IAM permission of a function: an action on a resource (resolved to a logical id if any). */
export interface Permission {
  action: string;
  /** Logical id the resource refers to (`Ref`/`Fn::GetAtt`, possibly inside `Fn::Join`). */
  target?: string;
  /** The resource as a literal or rendered string, for wildcard checks. */
  rendered: string;
}

const dynamodbReadActions = new Set([
  'dynamodb:BatchGetItem',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
]);
const dynamodbWriteActions = new Set(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem']);
const dynamodbNeutralActions = new Set(['dynamodb:DescribeTable']);

/** Derives the topology the template implements. */
export function topologyFromTemplate(template: CfnTemplateJson): Topology {
  const index = indexTemplate(template);
  return {
    queues: readQueues(template, index),
    functions: readFunctions(template, index),
    tables: readTables(template, index),
  } as Topology;
}

/** Logical ids of the named resources, by topology name (from the `news-alerts:*` tags). */
export interface TemplateIndex {
  queues: Map<string, QueueName>;
  functions: Map<string, FunctionName>;
  tables: Map<string, TableName>;
  /** Generated secrets (`AWS::SecretsManager::Secret` tagged `news-alerts:secret`), by logical id. */
  secrets: Map<string, SecretName>;
  /** Topology queue names in the order their resources appear in the template. */
  queueOrder: QueueName[];
  /** Dead-letter queues' logical ids, by the topology queue they serve. */
  deadLetterQueues: Map<string, QueueName>;
}

export function indexTemplate(template: CfnTemplateJson): TemplateIndex {
  const queues = new Map<string, QueueName>();
  const functions = new Map<string, FunctionName>();
  const tables = new Map<string, TableName>();
  const secrets = new Map<string, SecretName>();
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Type === 'AWS::SQS::Queue') {
      const name = tagValue(resource, topologyTagKeys.queue);
      if (name) queues.set(id, name as QueueName);
    } else if (resource.Type === 'AWS::Lambda::Function') {
      const name = tagValue(resource, topologyTagKeys.function);
      if (name) functions.set(id, name as FunctionName);
    } else if (resource.Type === 'AWS::DynamoDB::Table') {
      const name = tagValue(resource, topologyTagKeys.table);
      if (name) tables.set(id, name as TableName);
    } else if (resource.Type === 'AWS::SecretsManager::Secret') {
      const name = tagValue(resource, topologyTagKeys.secret);
      if (name) secrets.set(id, name as SecretName);
    }
  }
  const deadLetterQueues = new Map<string, QueueName>();
  for (const [id, name] of queues) {
    const redrive = template.Resources[id]?.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined;
    const dlqId = redrive ? targetOf(redrive.deadLetterTargetArn) : undefined;
    if (dlqId) deadLetterQueues.set(dlqId, name);
  }
  return { queues, functions, tables, secrets, queueOrder: [...queues.values()], deadLetterQueues };
}

function readQueues(template: CfnTemplateJson, index: TemplateIndex): Record<QueueName, QueueSpec> {
  const queues: Partial<Record<QueueName, QueueSpec>> = {};
  for (const [id, name] of index.queues) {
    const props = propertiesOf(template, id);
    const redrive = props.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown } | undefined;
    if (!redrive) throw new Error(`template topology: queue ${name} has no redrive policy (${id})`);
    const dlqId = targetOf(redrive.deadLetterTargetArn);
    if (!dlqId) throw new Error(`template topology: queue ${name} has no dead-letter target (${id})`);
    queues[name] = {
      visibilityTimeoutSeconds: numberOf(props.VisibilityTimeout, `queue ${name} VisibilityTimeout`),
      maxReceiveCount: numberOf(redrive.maxReceiveCount, `queue ${name} maxReceiveCount`),
      dlqRetentionSeconds: numberOf(
        propertiesOf(template, dlqId).MessageRetentionPeriod,
        `queue ${name} dead-letter MessageRetentionPeriod`,
      ),
    };
  }
  return queues as Record<QueueName, QueueSpec>;
}

function readFunctions(template: CfnTemplateJson, index: TemplateIndex): Record<FunctionName, FunctionSpec> {
  const functions: Partial<Record<FunctionName, FunctionSpec>> = {};
  for (const [id, name] of index.functions) {
    const resource = template.Resources[id]!;
    const props = propertiesOf(template, id);
    const entry = tagValue(resource, topologyTagKeys.entry);
    if (!entry) throw new Error(`template topology: function ${name} has no ${topologyTagKeys.entry} tag (${id})`);
    // The trigger first: an email-feedback trigger owns the function's failure destination.
    const trigger = triggerOf(template, index, id, name);
    const ownFailures = trigger.kind === 'email-feedback' ? failureDestinationOf(template, id) : undefined;
    const permissions = functionPermissions(template, id);
    const access = accessOf(permissions, index, name, ownFailures);
    const secrets = secretsOf(props, permissions, index, name);
    functions[name] = {
      entry,
      trigger,
      timeoutSeconds: numberOf(props.Timeout, `function ${name} Timeout`),
      memoryMb: numberOf(props.MemorySize, `function ${name} MemorySize`),
      ...(props.ReservedConcurrentExecutions === undefined
        ? {}
        : { reservedConcurrency: numberOf(props.ReservedConcurrentExecutions, `function ${name} ReservedConcurrentExecutions`) }),
      access: secrets.length > 0 ? { ...access, secrets } : access,
    };
  }
  return functions as Record<FunctionName, FunctionSpec>;
}

/**
 * The generated secrets a function reads at run time. Each secret variable must hold the ARN of
 * the secret of the same name (a `Ref` to the tagged secret, or the literal ARN of an adopted
 * one), never a value or a dynamic reference; and the role's `secretsmanager:GetSecretValue`
 * must cover exactly those ARNs. Anything else throws.
 */
export function secretsOf(props: Record<string, unknown>, permissions: Permission[], index: TemplateIndex, name: string): SecretName[] {
  const variables = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  for (const [variable, value] of Object.entries(variables)) {
    if (render(value).includes('resolve:secretsmanager')) {
      throw new Error(`template topology: function ${name} resolves a secret into ${variable}: ${render(value)}`);
    }
  }
  const secrets: SecretName[] = [];
  const arns = new Set<string>();
  for (const [secret, variable] of Object.entries(secretEnvNames) as [SecretName, string][]) {
    const value = variables[variable];
    if (value === undefined) continue;
    const secretId = targetOf(value);
    if (secretId !== undefined) {
      const referenced = index.secrets.get(secretId);
      if (!referenced || render(value) !== `<${secretId}>`) {
        throw new Error(`template topology: function ${name} sets ${variable} to ${render(value)}, not the ARN of a topology secret`);
      }
      if (referenced !== secret) {
        throw new Error(`template topology: function ${name} sets ${variable} to the ${referenced} secret, not the ${secret} one`);
      }
    } else if (typeof value !== 'string' || !/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+-\w{6}$/.test(value)) {
      throw new Error(`template topology: function ${name} sets ${variable} to ${render(value)}, not the ARN of a topology secret`);
    }
    arns.add(render(value));
    secrets.push(secret);
  }
  const readable = new Set<string>();
  for (const permission of permissions.filter((p) => p.action.startsWith('secretsmanager:'))) {
    if (permission.action !== 'secretsmanager:GetSecretValue') {
      throw new Error(`template topology: function ${name} has ${permission.action}, which the topology cannot express`);
    }
    readable.add(permission.rendered);
  }
  const unread = [...arns].filter((arn) => !readable.has(arn));
  const extra = [...readable].filter((arn) => !arns.has(arn));
  if (unread.length > 0 || extra.length > 0) {
    throw new Error(
      `template topology: function ${name} may read secrets ${[...readable].join(', ') || '(none)'}, its environment names ${[...arns].join(', ') || '(none)'}`,
    );
  }
  return secrets;
}

function triggerOf(template: CfnTemplateJson, index: TemplateIndex, functionId: string, name: string): Trigger {
  const triggers: Trigger[] = [];
  for (const resource of Object.values(template.Resources)) {
    const props = resource.Properties ?? {};
    if (resource.Type === 'AWS::Events::Rule') {
      const targets = (props.Targets as { Arn?: unknown }[] | undefined) ?? [];
      if (targets.some((target) => targetOf(target.Arn) === functionId)) {
        triggers.push({ kind: 'schedule', everyMinutes: minutesOf(String(props.ScheduleExpression), name) });
      }
    } else if (resource.Type === 'AWS::Lambda::EventSourceMapping' && targetOf(props.FunctionName) === functionId) {
      const queueId = targetOf(props.EventSourceArn);
      const queue = queueId ? index.queues.get(queueId) : undefined;
      if (!queue) throw new Error(`template topology: function ${name} consumes an unknown event source`);
      triggers.push({
        kind: 'queue',
        queue,
        batchSize: numberOf(props.BatchSize, `function ${name} BatchSize`),
        maxBatchingWindowSeconds:
          props.MaximumBatchingWindowInSeconds === undefined
            ? 0
            : numberOf(props.MaximumBatchingWindowInSeconds, `function ${name} MaximumBatchingWindowInSeconds`),
        // Strict: an event source without a cap is a drift, not a default.
        maxConcurrency: numberOf(
          (props.ScalingConfig as { MaximumConcurrency?: unknown } | undefined)?.MaximumConcurrency,
          `function ${name} ScalingConfig.MaximumConcurrency`,
        ),
      });
    } else if (resource.Type === 'AWS::Lambda::Url' && targetOf(props.TargetFunctionArn) === functionId) {
      triggers.push({ kind: 'http' });
    } else if (resource.Type === 'AWS::SNS::Subscription' && props.Protocol === 'lambda' && targetOf(props.Endpoint) === functionId) {
      triggers.push(emailFeedbackTrigger(template, functionId, targetOf(props.TopicArn), name));
    }
  }
  if (triggers.length !== 1) {
    throw new Error(`template topology: function ${name} has ${triggers.length} triggers, the topology allows one`);
  }
  return triggers[0]!;
}

/**
 * An SNS subscription is an `email-feedback` trigger when its topic is the SNS destination of an
 * enabled SES configuration set event destination (its MatchingEventTypes are the events) and
 * the function's failed invocations go to an SQS queue; anything else throws.
 */
function emailFeedbackTrigger(template: CfnTemplateJson, functionId: string, topicId: string | undefined, name: string): Trigger {
  const destinations = Object.values(template.Resources).filter((resource) => {
    if (resource.Type !== 'AWS::SES::ConfigurationSetEventDestination') return false;
    const destination = resource.Properties?.EventDestination as { SnsDestination?: { TopicARN?: unknown } } | undefined;
    return topicId !== undefined && targetOf(destination?.SnsDestination?.TopicARN) === topicId;
  });
  if (destinations.length !== 1) {
    throw new Error(
      `template topology: function ${name} subscribes to a topic that ${destinations.length} SES event destinations publish to, not one`,
    );
  }
  const destination = destinations[0]!.Properties!.EventDestination as { Enabled?: boolean; MatchingEventTypes?: string[] };
  if (destination.Enabled !== true) throw new Error(`template topology: function ${name} gets SES events from a disabled destination`);
  const known = new Set(['bounce', 'complaint']);
  const events = destination.MatchingEventTypes ?? [];
  const unknown = events.filter((event) => !known.has(event));
  if (unknown.length > 0)
    throw new Error(`template topology: function ${name} gets SES events ${unknown.join(', ')}, which the topology cannot express`);
  const failures = failureDestinationOf(template, functionId);
  if (!failures || template.Resources[failures]?.Type !== 'AWS::SQS::Queue') {
    throw new Error(`template topology: function ${name} takes SES feedback with no dead-letter queue for its failed invocations`);
  }
  return { kind: 'email-feedback', events: events as ('bounce' | 'complaint')[] };
}

/** The SQS queue (or other target) a function's failed asynchronous invocations go to, if any. */
export function failureDestinationOf(template: CfnTemplateJson, functionId: string): string | undefined {
  const config = Object.values(template.Resources).find(
    (resource) => resource.Type === 'AWS::Lambda::EventInvokeConfig' && targetOf(resource.Properties?.FunctionName) === functionId,
  );
  const destination = config?.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined;
  return targetOf(destination?.OnFailure?.Destination);
}

/** `rate(1 minute)`, `rate(5 minutes)`, `rate(2 hours)` → minutes; anything else throws. */
function minutesOf(expression: string, name: string): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (!match) throw new Error(`template topology: function ${name} has schedule ${expression}, not a rate`);
  const amount = Number(match[1]);
  const unit = match[2]!;
  return unit.startsWith('minute') ? amount : unit.startsWith('hour') ? amount * 60 : amount * 24 * 60;
}

/** Every (action, resource) pair the function's role policies allow. */
export function functionPermissions(template: CfnTemplateJson, functionId: string): Permission[] {
  const roleId = targetOf(propertiesOf(template, functionId).Role);
  if (!roleId) throw new Error(`template topology: function ${functionId} has no role in the template`);
  const permissions: Permission[] = [];
  const inline = (propertiesOf(template, roleId).Policies as { PolicyDocument: unknown }[] | undefined) ?? [];
  const attached = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((resource) => ((resource.Properties?.Roles as unknown[]) ?? []).some((role) => targetOf(role) === roleId))
    .map((resource) => ({ PolicyDocument: resource.Properties?.PolicyDocument }));
  const managed = (propertiesOf(template, roleId).ManagedPolicyArns as unknown[] | undefined) ?? [];
  if (managed.length > 0) {
    throw new Error(`template topology: function ${functionId} has managed policies, which the topology cannot express`);
  }
  for (const policy of [...inline, ...attached]) {
    const statements = (policy.PolicyDocument as { Statement?: unknown[] } | undefined)?.Statement ?? [];
    for (const statement of statements as { Effect?: string; Action?: unknown; Resource?: unknown }[]) {
      if (statement.Effect !== 'Allow') continue;
      for (const action of asArray(statement.Action)) {
        for (const resource of asArray(statement.Resource)) {
          const target = targetOf(resource);
          permissions.push({ action: String(action), ...(target ? { target } : {}), rendered: render(resource) });
        }
      }
    }
  }
  return permissions;
}

function accessOf(permissions: Permission[], index: TemplateIndex, name: string, ownFailures: string | undefined): FunctionSpec['access'] {
  const tableActions = new Map<TableName, Set<string>>();
  // SendMessage on a work queue's DLQ: dead-lettering directly.
  const deadLetters = new Set<QueueName>();
  let sendsEmail = false;
  // Reading a DLQ's attributes is what inspecting a queue grants (sending grants the queue's own).
  const inspects = new Set<QueueName>();
  // A sender's grant carries GetQueueUrl; a redrive's SendMessage (back to the queue) does not.
  const sendTargets = new Set<QueueName>();
  const urlTargets = new Set<QueueName>();
  const redrives = new Set<QueueName>();
  for (const permission of permissions) {
    const [service] = permission.action.split(':');
    // The function's own failure destination belongs to its trigger (email-feedback), not its access.
    if (service === 'sqs' && ownFailures !== undefined && permission.target === ownFailures) continue;
    if (service === 'dynamodb') {
      const table = permission.target ? index.tables.get(permission.target) : undefined;
      if (!table)
        throw new Error(`template topology: function ${name} has ${permission.action} on ${permission.rendered}, not a topology table`);
      if (
        !dynamodbReadActions.has(permission.action) &&
        !dynamodbWriteActions.has(permission.action) &&
        !dynamodbNeutralActions.has(permission.action)
      ) {
        throw new Error(`template topology: function ${name} has ${permission.action}, which the topology cannot express`);
      }
      tableActions.set(table, (tableActions.get(table) ?? new Set()).add(permission.action));
    } else if (permission.action === 'sqs:SendMessage' && permission.target && index.deadLetterQueues.has(permission.target)) {
      deadLetters.add(index.deadLetterQueues.get(permission.target)!);
    } else if (permission.action === 'sqs:SendMessage') {
      const queue = permission.target ? index.queues.get(permission.target) : undefined;
      if (!queue) throw new Error(`template topology: function ${name} may send to ${permission.rendered}, not a topology queue`);
      sendTargets.add(queue);
    } else if (permission.action === 'sqs:GetQueueUrl') {
      const queue = permission.target ? index.queues.get(permission.target) : undefined;
      if (queue) urlTargets.add(queue);
    } else if (permission.action === 'sqs:StartMessageMoveTask') {
      const redriven = permission.target ? index.deadLetterQueues.get(permission.target) : undefined;
      if (!redriven) throw new Error(`template topology: function ${name} may redrive ${permission.rendered}, not a topology DLQ`);
      redrives.add(redriven);
    } else if (permission.action === 'ses:SendEmail' || permission.action === 'ses:SendRawEmail') {
      sendsEmail = true;
    } else if (permission.action === 'sqs:GetQueueAttributes') {
      const inspected = permission.target ? index.deadLetterQueues.get(permission.target) : undefined;
      if (inspected) inspects.add(inspected);
    }
  }
  const tables: FunctionSpec['access']['tables'] = {};
  for (const [table, actions] of tableActions) {
    const reads = [...actions].some((action) => dynamodbReadActions.has(action));
    const writes = [...actions].some((action) => dynamodbWriteActions.has(action));
    if (!reads && !writes) throw new Error(`template topology: function ${name} may only describe table ${table}`);
    tables[table] = reads && writes ? 'readwrite' : reads ? 'read' : 'write';
  }
  return {
    tables,
    sendsTo: index.queueOrder.filter((queue) => sendTargets.has(queue) && (urlTargets.has(queue) || !redrives.has(queue))),
    ...(sendsEmail ? { sendsEmail: true } : {}),
    ...(inspects.size > 0 ? { inspectsQueues: index.queueOrder.filter((queue) => inspects.has(queue)) } : {}),
    ...(redrives.size > 0 ? { redrivesQueues: index.queueOrder.filter((queue) => redrives.has(queue)) } : {}),
    ...(deadLetters.size > 0 ? { sendsToDeadLetter: index.queueOrder.filter((queue) => deadLetters.has(queue)) } : {}),
  };
}

function readTables(template: CfnTemplateJson, index: TemplateIndex): Record<TableName, TableSpec> {
  const tables: Partial<Record<TableName, TableSpec>> = {};
  for (const [id, name] of index.tables) {
    const props = propertiesOf(template, id);
    const keys = keysOf(props.KeySchema, `table ${name}`);
    const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
    const pitr = props.PointInTimeRecoverySpecification as { PointInTimeRecoveryEnabled?: boolean } | undefined;
    const indexes = ((props.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[] | undefined) ?? []).map((gsi) => {
      const gsiKeys = keysOf(gsi.KeySchema, `index ${gsi.IndexName} of table ${name}`);
      return { name: gsi.IndexName, partitionKey: gsiKeys.partitionKey, ...(gsiKeys.sortKey ? { sortKey: gsiKeys.sortKey } : {}) };
    });
    tables[name] = {
      partitionKey: keys.partitionKey,
      ...(keys.sortKey ? { sortKey: keys.sortKey } : {}),
      ...(ttl?.Enabled && ttl.AttributeName ? { ttlAttribute: ttl.AttributeName } : {}),
      durable: pitr?.PointInTimeRecoveryEnabled === true,
      indexes,
    };
  }
  return tables as Record<TableName, TableSpec>;
}

function keysOf(schema: unknown, what: string): { partitionKey: string; sortKey?: string } {
  const keys = (schema as { AttributeName: string; KeyType: string }[] | undefined) ?? [];
  const partitionKey = keys.find((key) => key.KeyType === 'HASH')?.AttributeName;
  const sortKey = keys.find((key) => key.KeyType === 'RANGE')?.AttributeName;
  if (!partitionKey) throw new Error(`template topology: ${what} has no partition key`);
  return { partitionKey, ...(sortKey ? { sortKey } : {}) };
}

/** The value of a resource tag (CloudFormation `Tags: [{Key, Value}]`), if present. */
export function tagValue(resource: CfnResourceJson, key: string): string | undefined {
  const tags = (resource.Properties?.Tags as { Key: string; Value: string }[] | undefined) ?? [];
  return tags.find((tag) => tag.Key === key)?.Value;
}

/**
 * The logical id a value refers to: `{Ref}`, `{Fn::GetAtt: [id, …]}`, or the first of those
 * inside `{Fn::Join}` (`<table arn>/index/*`). Undefined for literals and pseudo parameters.
 */
export function targetOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  // Pseudo parameters (AWS::Region, AWS::Partition …) are not resources.
  if (typeof record.Ref === 'string') return record.Ref.startsWith('AWS::') ? undefined : record.Ref;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  const join = record['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) {
    for (const part of join[1] as unknown[]) {
      const target = targetOf(part);
      if (target) return target;
    }
  }
  return undefined;
}

/** A resource as text: literals as is, intrinsics as `<id.attr>` the way cdk-nag renders them. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return String(value);
  const record = value as Record<string, unknown>;
  if (typeof record.Ref === 'string') return `<${record.Ref}>`;
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `<${getAtt.join('.')}>`;
  const join = record['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return (join[1] as unknown[]).map(render).join(String(join[0]));
  const sub = record['Fn::Sub'];
  if (typeof sub === 'string') return sub;
  return JSON.stringify(value);
}

function propertiesOf(template: CfnTemplateJson, id: string): Record<string, unknown> {
  const resource = template.Resources[id];
  if (!resource) throw new Error(`template topology: no resource ${id} in the template`);
  return resource.Properties ?? {};
}

function numberOf(value: unknown, what: string): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new Error(`template topology: ${what} is not a number (${JSON.stringify(value)})`);
  }
  return number;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

/**
 * The one resource of `type` whose logical id CDK derived from `idPrefix` (the construct path's
 * ids joined, e.g. `AlarmTopic` or `EmailFeedbackTopic`) plus its 8-character hash. For picking
 * one of several resources of a type (the alarm topic, the SES feedback topic) by what it is.
 */
export function resourceByLogicalId(template: CfnTemplateJson, type: string, idPrefix: string): [string, CfnResourceJson] {
  const pattern = new RegExp(`^${idPrefix}[0-9A-F]{8}$`);
  const found = Object.entries(template.Resources).filter(([id, resource]) => resource.Type === type && pattern.test(id));
  if (found.length !== 1)
    throw new Error(`template topology: ${found.length} ${type} resources with logical id ${idPrefix}<hash>, expected one`);
  return found[0]!;
}
