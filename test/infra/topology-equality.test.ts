import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topology } from '../../infra/topology.ts';
import { removeSynthesisOutputs, synthesizeStack, type SynthesizedStack } from './synth-stack.ts';
import { topologyFromTemplate } from './template-topology.ts';

describe('topology equality: synthesized template ⇔ infra/topology.ts', () => {
  let synthesized: SynthesizedStack;

  beforeAll(() => {
    synthesized = synthesizeStack();
  });

  afterAll(removeSynthesisOutputs);

  it('the topology read back from the template deep-equals infra/topology.ts', () => {
    // Act
    const fromTemplate = topologyFromTemplate(synthesized.json);

    // Assess
    expect(fromTemplate).toStrictEqual(topology);
  });

  it('reads a drifted template as a different topology', () => {
    // Prepare: the template with one queue's maxReceiveCount changed by hand
    const drifted = structuredClone(synthesized.json);
    const queue = Object.values(drifted.Resources).find(
      (resource) => resource.Type === 'AWS::SQS::Queue' && resource.Properties?.RedrivePolicy !== undefined,
    )!;
    const redrive = queue.Properties!.RedrivePolicy as { maxReceiveCount: number };
    redrive.maxReceiveCount += 1;

    // Act
    const fromTemplate = topologyFromTemplate(drifted);

    // Assess
    expect(fromTemplate).not.toStrictEqual(topology);
  });

  it('reads SES feedback events that drifted, and refuses a feedback function without a dead-letter queue', () => {
    // Prepare: one template publishing bounces only, one whose failed invocations go nowhere
    const bouncesOnly = structuredClone(synthesized.json);
    const destination = Object.values(bouncesOnly.Resources).find((r) => r.Type === 'AWS::SES::ConfigurationSetEventDestination')!;
    (destination.Properties!.EventDestination as { MatchingEventTypes: string[] }).MatchingEventTypes = ['bounce'];
    const noDeadLetters = structuredClone(synthesized.json);
    for (const [id, resource] of Object.entries(noDeadLetters.Resources)) {
      if (resource.Type === 'AWS::Lambda::EventInvokeConfig') delete noDeadLetters.Resources[id];
    }

    // Act
    const fromTemplate = topologyFromTemplate(bouncesOnly);

    // Assess
    expect(fromTemplate).not.toStrictEqual(topology);
    expect(fromTemplate.functions['handle-email-feedback'].trigger).toEqual({ kind: 'email-feedback', events: ['bounce'] });
    expect(() => topologyFromTemplate(noDeadLetters)).toThrow(/handle-email-feedback .*no dead-letter queue/);
  });
});
