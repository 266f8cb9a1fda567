// PLACEHOLDER — being replaced by the classifier work (shared/classify). The contract below is
// what other modules may rely on.
import { z } from 'zod';
import type { ClassifiableItem, TopicMatch } from './types.ts';

export type { ClassifiableItem, MatchedPhrase, TopicMatch } from './types.ts';

export const topicDefinitionSchema = z.object({ id: z.string(), label: z.string() }).loose();
export type TopicDefinition = z.infer<typeof topicDefinitionSchema>;

export const builtinTopics: TopicDefinition[] = [];

export interface TopicEngine {
  /** The topics an item passes, each with a score in [0, 1] and the matched phrases. */
  classify(item: ClassifiableItem): TopicMatch[];
  topicIds(): string[];
}

export function createTopicEngine(_topics: TopicDefinition[]): TopicEngine {
  return { classify: () => [], topicIds: () => [] };
}
