import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlOutputKey, tableNameOutputKey } from '../../infra/aws/stack-outputs.ts';
import { topology, type TableName } from '../../infra/topology.ts';
import { removeSynthesisOutputs, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import { indexTemplate, type TemplateIndex } from './template-topology.ts';

const tableNames = Object.keys(topology.tables) as TableName[];

describe('NewsAlerts stack outputs', () => {
  let synthesized: SynthesizedStack;
  let index: TemplateIndex;

  beforeAll(() => {
    synthesized = synthesizeStack();
    index = indexTemplate(synthesized.json);
  });

  afterAll(removeSynthesisOutputs);

  it.each(tableNames)('outputs the physical name of the %s table', (name) => {
    // Prepare: the table's logical id, found by its topology tag
    const tableId = [...index.tables].find(([, table]) => table === name)?.[0];
    expect(tableId).toBeDefined();

    // Assess: `news-alerts apply-config` reads this output to find the table
    const output = synthesized.json.Outputs?.[tableNameOutputKey(name)];
    expect(output?.Value).toEqual({ Ref: tableId });
  });

  it('names every output after its table, so none collide', () => {
    const keys = tableNames.map(tableNameOutputKey);
    expect(new Set(keys).size).toBe(tableNames.length);
    expect(keys).toContain('TableFeedsName');
  });

  it('outputs the HTTP API Function URL under the key the smoke script reads', () => {
    const urlId = Object.entries(synthesized.json.Resources).find(([, resource]) => resource.Type === 'AWS::Lambda::Url')?.[0];
    expect(functionUrlOutputKey('http-api')).toBe('HttpApiUrl');
    expect(synthesized.json.Outputs?.[functionUrlOutputKey('http-api')]?.Value).toEqual({ 'Fn::GetAtt': [urlId, 'FunctionUrl'] });
  });
});
