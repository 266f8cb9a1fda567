import sanctions from './topics/sanctions.json' with { type: 'json' };
import talks from './topics/talks.json' with { type: 'json' };
import unMeeting from './topics/un-meeting.json' with { type: 'json' };
import { parseTopicDefinition, type TopicDefinition } from './topic-schema.ts';

/**
 * The built-in topics (`un-meeting`, `talks`, `sanctions`), shipped as topic files in the same
 * format users write and validated here at load, so a broken file fails at start-up. Imported
 * as JSON so bundlers inline them: no file system access at run time.
 */
export const builtinTopics: TopicDefinition[] = [
  parseTopicDefinition(unMeeting, 'builtin topics/un-meeting.json'),
  parseTopicDefinition(talks, 'builtin topics/talks.json'),
  parseTopicDefinition(sanctions, 'builtin topics/sanctions.json'),
];
