/**
 * A deploy that would send from a placeholder domain fails at once, with a message saying what
 * to do, instead of deploying a stack whose every email SES refuses. `cdk synth` needs no
 * context and keeps the default sender; the check belongs to CloudFormation: a template rule
 * asserting that the `SenderDomain` parameter (the mailFrom domain, its default) is none of the
 * domains reserved for examples (RFC 2606), which no one can verify in SES. CloudFormation
 * evaluates rules before it creates or changes anything, so the refused deploy leaves nothing.
 */
import { CfnParameter, CfnRule, Fn, type Stack } from 'aws-cdk-lib';
import { parseSenderAddress } from './deployment-settings.ts';

/** Domains SES can never verify: a sender in one of them is a placeholder. */
export const placeholderSenderDomains = ['example.com', 'example.net', 'example.org'] as const;

/** Logical ids of the parameter and the rule, for tests and the README. */
export const senderDomainParameterId = 'SenderDomain';
export const senderDomainRuleId = 'SenderIsNotAPlaceholder';

/** Adds the parameter and the rule to `stack` for the sender `mailFrom`. */
export function refusePlaceholderSender(stack: Stack, mailFrom: string): { parameter: CfnParameter; rule: CfnRule } {
  const sender = parseSenderAddress(mailFrom);
  if (!sender) throw new Error(`sender rule: mailFrom has no email address (${mailFrom})`);
  const parameter = new CfnParameter(stack, senderDomainParameterId, {
    type: 'String',
    default: sender.domain,
    description: 'Domain of the sender of every email (CDK context mailFrom); a placeholder domain is refused at deploy',
  });
  const rule = new CfnRule(stack, senderDomainRuleId, {
    assertions: [
      {
        assert: Fn.conditionNot(Fn.conditionContains([...placeholderSenderDomains], parameter.valueAsString)),
        assertDescription:
          `The sender ${sender.address} is a placeholder that SES can never verify. Verify your own domain or ` +
          'address in SES, then deploy with -c mailFrom=alerts@your-domain (README: "Email with SES").',
      },
    ],
  });
  return { parameter, rule };
}
