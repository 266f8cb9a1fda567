/**
 * Stories: items from several feeds that report the same occurrence, grouped so a subscriber
 * gets each story once with "also reported by". Near-duplicates are found by a MinHash sketch
 * of normalized title + summary stored per day (bounded reads), confirmed by text similarity,
 * and kept apart by time, counts and stage (see `compareFingerprints`).
 */
export { assignStory, prefetchStoryReads } from './assign-story.ts';
export { clusterStream, type StoryInput } from './cluster-stream.ts';
export { pairwiseScores, type PairwiseScores } from './evaluate-clusters.ts';
export { prefetchedStoryStore } from './prefetched-story-store.ts';
export { normalizeStoryText } from './normalize-text.ts';
export { defaultStorySettings, type StorySettings } from './settings.ts';
export { splitWords, STOPWORDS } from './tokenize.ts';
