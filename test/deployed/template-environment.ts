/**
 * The environment each function of a synthesized template would get once deployed, with local
 * stand-ins in place of what CloudFormation would fill in: `Ref`/`Fn::GetAtt` of the stack's
 * tables, queues and their dead-letter queues, secrets, SES configuration set, SSM parameters and Function URL, pseudo parameters, `Fn::Join`/`Fn::Sub`, and dynamic
 * references (`{{resolve:secretsmanager:…}}`). The variables come from the template, never from
 * the source, so a variable the stack forgets to set is missing here too; a value with no local
 * stand-in throws, naming the function and the variable.
 */
import type { FunctionName, QueueName, SecretName, TableName } from '../../infra/topology.ts';
import { envSchema } from '../../shared/config/env.ts';
import { formatZodIssues } from '../../shared/core/validation-issues.ts';
import { indexTemplate, type CfnResourceJson, type CfnTemplateJson, type TemplateIndex } from '../infra/template-topology.ts';

/** What the local engines and servers offer in place of the stack's resources. */
export interface LocalStandIns {
  /** Local table names, by topology name (`Ref` of a table). */
  tables: Record<TableName, string>;
  /** Local queue URLs and ARNs, and those of each one's dead-letter queue, by topology name (`Ref` / `Arn` of a queue). */
  queues: Record<QueueName, { url: string; arn: string; dlqUrl: string; dlqArn: string }>;
  /** `FunctionUrl` of the http function's `AWS::Lambda::Url`: the local API's URL, with a trailing slash as AWS gives it. */
  functionUrl: string;
  /** The value of each generated secret, as `{{resolve:secretsmanager:…}}` would read it. */
  secretValues: Record<SecretName, string>;
  /**
   * The ARN a generated secret's `Ref` resolves to, for a handler that reads the secret at run
   * time from a Secrets Manager stand-in holding it; `localSecretArn` (served by nothing) when absent.
   */
  secretArns?: Partial<Record<SecretName, string>>;
  region: string;
  accountId: string;
  stackName: string;
  /**
   * `Ref` of further resource types, by CloudFormation type (e.g. `AWS::SSM::Parameter` → the
   * parameter's name), over the built-in ones; for resources the stack gains later.
   */
  refs?: Record<string, (logicalId: string, resource: CfnResourceJson) => string>;
  /** Values of `{{resolve:ssm:NAME}}` dynamic references, by parameter name. */
  parameters?: Record<string, string>;
}

/** The variables one function gets. */
export type FunctionEnvironment = Record<string, string>;

/** Where a value sits, for error messages. */
interface Site {
  functionName: string;
  variable: string;
}

/**
 * The `Ref` of a generated secret, as CloudFormation returns it (the secret's ARN), when no
 * stand-in serves it: a well-formed ARN ending with the secret's logical id.
 */
export function localSecretArn(standIns: Pick<LocalStandIns, 'region' | 'accountId'>, logicalId: string): string {
  return `arn:aws:secretsmanager:${standIns.region}:${standIns.accountId}:secret:${logicalId}`;
}

/** Every function's environment as the template sets it, its tokens resolved to the stand-ins. */
export function templateEnvironments(template: CfnTemplateJson, standIns: LocalStandIns): Map<FunctionName, FunctionEnvironment> {
  const index = indexTemplate(template);
  const resolver = createResolver(template, index, standIns);
  const environments = new Map<FunctionName, FunctionEnvironment>();
  for (const [logicalId, name] of index.functions) {
    const variables =
      (template.Resources[logicalId]?.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
    const environment: FunctionEnvironment = {};
    for (const [variable, value] of Object.entries(variables)) {
      const site = { functionName: name, variable };
      environment[variable] = resolver.dynamicReferences(resolver.value(value, site), site);
    }
    environments.set(name, environment);
  }
  return environments;
}

/**
 * Checks a function's final environment against the one env schema, as its handler will at cold
 * start; throws naming the function and what is wrong.
 */
export function checkFunctionEnvironment(name: string, environment: FunctionEnvironment): void {
  const result = envSchema.safeParse(environment);
  if (!result.success) {
    throw new Error(`function environment is invalid: ${formatZodIssues(result.error.issues)} (function ${name})`);
  }
}

const pseudoParameters = (standIns: LocalStandIns): Record<string, string> => ({
  'AWS::Region': standIns.region,
  'AWS::AccountId': standIns.accountId,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': standIns.stackName,
});

function createResolver(template: CfnTemplateJson, index: TemplateIndex, standIns: LocalStandIns) {
  const pseudo = pseudoParameters(standIns);
  const secretArnOf = (logicalId: string, secret: SecretName) => standIns.secretArns?.[secret] ?? localSecretArn(standIns, logicalId);
  const secretsByArn = new Map([...index.secrets].map(([logicalId, secret]) => [secretArnOf(logicalId, secret), secret]));
  /** A topology queue or the dead-letter queue of one, by logical id. */
  function queueOf(logicalId: string): { url: string; arn: string } | undefined {
    const queue = index.queues.get(logicalId);
    if (queue) return standIns.queues[queue];
    const served = index.deadLetterQueues.get(logicalId);
    return served && { url: standIns.queues[served].dlqUrl, arn: standIns.queues[served].dlqArn };
  }
  const refs: Record<string, (logicalId: string, resource: CfnResourceJson) => string | undefined> = {
    'AWS::DynamoDB::Table': (logicalId) => {
      const table = index.tables.get(logicalId);
      return table && standIns.tables[table];
    },
    'AWS::SQS::Queue': (logicalId) => queueOf(logicalId)?.url,
    'AWS::SecretsManager::Secret': (logicalId) => {
      const secret = index.secrets.get(logicalId);
      return secret && secretArnOf(logicalId, secret);
    },
    // Both refer to the resource by name: its own when the stack sets one, else the one
    // CloudFormation would generate (here the logical id, as only the value's shape matters).
    'AWS::SES::ConfigurationSet': (logicalId, resource) => nameOf(resource, logicalId),
    'AWS::SSM::Parameter': (logicalId, resource) => nameOf(resource, logicalId),
    ...standIns.refs,
  };
  const getAtts: Record<string, (logicalId: string) => string | undefined> = {
    'AWS::Lambda::Url.FunctionUrl': () => standIns.functionUrl,
    'AWS::SQS::Queue.Arn': (logicalId) => queueOf(logicalId)?.arn,
    'AWS::SQS::Queue.QueueUrl': (logicalId) => queueOf(logicalId)?.url,
  };

  function resourceOf(logicalId: string, site: Site): CfnResourceJson {
    const resource = template.Resources[logicalId];
    if (!resource) throw noStandIn(site, `a reference to ${logicalId}, which is not in the template`);
    return resource;
  }

  function ref(logicalId: string, site: Site): string {
    const pseudoValue = pseudo[logicalId];
    if (pseudoValue !== undefined) return pseudoValue;
    const resource = resourceOf(logicalId, site);
    const resolved = refs[resource.Type]?.(logicalId, resource);
    if (resolved === undefined) throw noStandIn(site, `Ref of ${logicalId} (${resource.Type})`);
    return resolved;
  }

  function getAtt(logicalId: string, attribute: string, site: Site): string {
    const resource = resourceOf(logicalId, site);
    const resolved = getAtts[`${resource.Type}.${attribute}`]?.(logicalId);
    if (resolved === undefined) throw noStandIn(site, `Fn::GetAtt ${logicalId}.${attribute} (${resource.Type})`);
    return resolved;
  }

  function value(raw: unknown, site: Site): string {
    if (typeof raw === 'string') return raw;
    if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
    if (raw !== null && typeof raw === 'object' && Object.keys(raw).length === 1) {
      const [[intrinsic, argument]] = Object.entries(raw) as [[string, unknown]];
      if (intrinsic === 'Ref' && typeof argument === 'string') return ref(argument, site);
      if (intrinsic === 'Fn::GetAtt') {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
        if (typeof logicalId === 'string' && typeof attribute === 'string') return getAtt(logicalId, attribute, site);
      }
      if (intrinsic === 'Fn::Join' && Array.isArray(argument) && typeof argument[0] === 'string' && Array.isArray(argument[1])) {
        return (argument[1] as unknown[]).map((part) => value(part, site)).join(argument[0]);
      }
      if (intrinsic === 'Fn::Sub' && typeof argument === 'string') {
        // `${Name}` is a Ref, `${Name.Attr}` a GetAtt, `${!Literal}` a literal `${Literal}`.
        return argument.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
          if (name.startsWith('!')) return `\${${name.slice(1)}}`;
          const dot = name.indexOf('.');
          return dot < 0 ? ref(name, site) : getAtt(name.slice(0, dot), name.slice(dot + 1), site);
        });
      }
    }
    throw noStandIn(site, JSON.stringify(raw));
  }

  /** `{{resolve:service:reference}}` in a resolved string, as CloudFormation resolves it at deploy time. */
  function dynamicReferences(text: string, site: Site): string {
    return text.replace(/\{\{resolve:([a-z-]+):(.*?)\}\}/g, (whole, service: string, reference: string) => {
      if (service === 'secretsmanager') {
        // <secret-id>:SecretString:<json-key>:<version-stage>:<version-id>; the id is an ARN (with colons).
        const match = /^(.*):SecretString:([^:]*):([^:]*):([^:]*)$/.exec(reference);
        const secret = match?.[1] ? secretsByArn.get(match[1]) : undefined;
        if (!match || !secret || match[2] || match[3] || match[4]) throw noStandIn(site, `the dynamic reference ${whole}`);
        return standIns.secretValues[secret];
      }
      if (service === 'ssm') {
        const parameter = standIns.parameters?.[reference];
        if (parameter === undefined) throw noStandIn(site, `the dynamic reference ${whole}`);
        return parameter;
      }
      throw noStandIn(site, `the dynamic reference ${whole}`);
    });
  }

  return { value, dynamicReferences };
}

/** A resource's literal `Name` property, or `fallback` when it has none. */
function nameOf(resource: CfnResourceJson, fallback: string): string {
  const name = resource.Properties?.Name;
  return typeof name === 'string' ? name : fallback;
}

function noStandIn(site: Site, what: string): Error {
  return new Error(`function environment has no local stand-in: ${site.variable} is set to ${what} (function ${site.functionName})`);
}
