/**
 * The CDK app `cdk synth` / `cdk deploy` / `cdklocal deploy` run (see `cdk.json`).
 * Everything it creates is described in `infra/topology.ts`.
 */
import { createNewsAlertsApp } from './create-app.ts';

createNewsAlertsApp().app.synth();
