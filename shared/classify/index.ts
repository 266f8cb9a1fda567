/**
 * Topic classification: topics are data (see `topicDefinitionSchema`), compiled once into one
 * engine that reads each item in one pass and explains every decision.
 */
export type { ClassifiableItem, TopicMatch } from './types.ts';
export { parseTopicDefinition, parseTopicFile, topicDefinitionSchema, type TopicDefinition } from './topic-schema.ts';
export { createTopicEngine, type TopicEngine } from './topic-engine.ts';
export { builtinTopics } from './builtin-topics.ts';
export { builtinTopicSummaries } from './builtin-topic-summaries.ts';
export { FilterQueryError, TopicDefinitionError } from './errors.ts';
export { compileFilterQuery, type FilterQuery } from './filter-query.ts';
export { checkFilterQuery, MAX_QUERY_LENGTH } from './filter-query-syntax.ts';
export { evaluateLabelled, formatEvaluationReport, type LabelledItem } from './evaluate.ts';
export { previewTopic, type PreviewItem, type TopicPreview } from './preview-topic.ts';
