import { defaultStackName } from '../../infra/aws/stack-outputs.ts';
import { defineCommand } from '../command.ts';
import { jsonOption, nonBlank } from '../options.ts';

/** `news-alerts apply-config FILE`: a config file into a deployed stack (see `tasks/apply-config.ts`). */
export const command = defineCommand({
  name: 'apply-config',
  summary: 'load feeds, topics and subscribers from a config file into a deployed stack (AWS or LocalStack)',
  args: [{ name: 'FILE' }],
  options: {
    stack: {
      type: 'string',
      value: 'NAME',
      default: defaultStackName,
      parse: nonBlank('a stack name'),
      description: 'CloudFormation stack whose tables to write',
    },
    dryRun: { type: 'boolean', description: 'validate the file and read the stack, print what would be written, write nothing' },
    json: jsonOption,
  },
  async run({ values, args: [file] }, io) {
    const { applyConfigCommand } = await import('../tasks/apply-config.ts');
    return applyConfigCommand({ file, ...values }, io);
  },
});
