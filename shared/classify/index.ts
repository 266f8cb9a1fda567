/**
 * Topic classification: topics are data (see `topicDefinitionSchema`), compiled once into one
 * engine that reads each item in one pass and explains every decision.
 */
export type { ClassifiableItem, MatchedPhrase, TopicMatch } from './types.ts';
export {
  contextClauseSchema,
  parseTopicDefinition,
  parseTopicFile,
  topicDefinitionSchema,
  topicRuleSchema,
  type ContextClause,
  type TopicDefinition,
  type TopicDefinitionInput,
  type TopicRule,
} from './topic-schema.ts';
export { createTopicEngine, type InspectableTopicEngine, type RuleOutcome, type TopicEngine, type TopicEvaluation } from './topic-engine.ts';
export { builtinTopics } from './builtin-topics.ts';
export { standardLexicon } from './lexicon.ts';
export { toClassifierText } from './plain-text.ts';
export { FilterQueryError, TopicDefinitionError } from './errors.ts';
export { compileFilterQuery, MAX_QUERY_LENGTH, MAX_QUERY_TERMS, type FilterQuery } from './filter-query.ts';
export { evaluateLabelled, formatEvaluationReport, type EvaluationReport, type LabelledItem, type TopicScores } from './evaluate.ts';
export { previewTopic, type PreviewItem, type TopicPreview } from './preview-topic.ts';
