import { builtinTopicSummaries, topicDefinitionSchema } from '../classify/index.ts';
import type { TopicStore } from '../store/ports.ts';

export interface TopicSummary {
  id: string;
  label: string;
  description?: string;
  builtin: boolean;
}

/** Every topic a subscriber can choose: the built-in ones, then valid user-defined ones. */
export async function listTopics(topics: TopicStore): Promise<TopicSummary[]> {
  const summarize = (t: { id: string; label: string; description?: unknown }, builtin: boolean): TopicSummary => ({
    id: t.id,
    label: t.label,
    description: typeof t.description === 'string' ? t.description : undefined,
    builtin,
  });
  const user = (await topics.listUserTopics()).flatMap((raw) => {
    const parsed = topicDefinitionSchema.safeParse(raw);
    return parsed.success ? [summarize(parsed.data, false)] : [];
  });
  return [...builtinTopicSummaries.map((t) => summarize(t, true)), ...user];
}
