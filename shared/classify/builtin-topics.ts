import sanctions from './topics/sanctions.json' with { type: 'json' };
import talks from './topics/talks.json' with { type: 'json' };
import unMeeting from './topics/un-meeting.json' with { type: 'json' };
import { trustTopicDefinitions, type TopicDefinition } from './topic-schema.ts';

/**
 * The built-in topics (`un-meeting`, `talks`, `sanctions`), shipped as topic files in the same
 * format users write, with every default written out. Imported as JSON so bundlers inline them:
 * no file system access at run time. They are trusted, not validated, at run time (an engine
 * built from them does not validate them either): validating them is the first use of the topic
 * schema in a process, 27–42 ms on the development machine, measured with
 * `node_modules/.bin/node --import tsx -e "const { builtinTopics, parseTopicDefinition } = await import('./shared/classify/index.ts'); const t = performance.now(); for (const topic of builtinTopics) parseTopicDefinition(topic); console.log(performance.now() - t)"`.
 * `test/unit/classify/builtin-topics.test.ts` fails instead when a file is invalid or differs
 * from its validated form.
 */
export const builtinTopics: TopicDefinition[] = trustTopicDefinitions([unMeeting, talks, sanctions] as TopicDefinition[]);
