/**
 * The whole AWS deployment as one stack, built from `infra/topology.ts`: a stateful construct
 * (tables) and a stateless one (queues, functions, triggers), wired by typed props. One stack
 * keeps `cdklocal deploy` simple and avoids cross-stack exports pinning the tables.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Topology } from '../topology.ts';
import type { DeploymentSettings } from './deployment-settings.ts';
import { StatefulResources } from './stateful-resources.ts';
import { StatelessResources } from './stateless-resources.ts';

export interface NewsAlertsStackProps extends StackProps {
  topology: Topology;
  settings: DeploymentSettings;
  /** Repository root, where the handler entries and the lock file live. */
  rootDir: string;
}

/** Tables, queues with DLQs and alarms, functions with their triggers and grants. */
export class NewsAlertsStack extends Stack {
  readonly stateful: StatefulResources;
  readonly stateless: StatelessResources;

  constructor(scope: Construct, id: string, props: NewsAlertsStackProps) {
    super(scope, id, props);
    this.stateful = new StatefulResources(this, 'Stateful', { tables: props.topology.tables });
    this.stateless = new StatelessResources(this, 'Stateless', {
      queues: props.topology.queues,
      functions: props.topology.functions,
      tables: this.stateful.tables,
      tableIndexNames: this.stateful.indexNames,
      settings: props.settings,
      rootDir: props.rootDir,
    });
  }
}
