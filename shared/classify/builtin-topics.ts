import sanctions from './topics/sanctions.json' with { type: 'json' };
import talks from './topics/talks.json' with { type: 'json' };
import unMeeting from './topics/un-meeting.json' with { type: 'json' };
import type { TopicDefinition } from './topic-schema.ts';

/**
 * The built-in topics (`un-meeting`, `talks`, `sanctions`), shipped as topic files in the same
 * format users write, with every default written out. Imported as JSON so bundlers inline them:
 * no file system access at run time. They are not validated at load: validating them took
 * tens of milliseconds of every cold start of poll-feed; `test/unit/classify/builtin-topics.test.ts`
 * fails instead when a file is invalid or differs from its validated form.
 */
export const builtinTopics: TopicDefinition[] = [unMeeting, talks, sanctions] as TopicDefinition[];
