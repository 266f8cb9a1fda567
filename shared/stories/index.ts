/**
 * Stories: items from several feeds that report the same occurrence, grouped so a subscriber
 * gets each story once with "also reported by". Near-duplicates are found by a MinHash sketch
 * of normalized title + summary stored per day (bounded reads), confirmed by text similarity,
 * and kept apart by time, counts and stage (see `compareFingerprints`).
 */
export { assignStory, type AssignStoryDeps, type StoryAssignment, type StoryItem } from './assign-story.ts';
export { fingerprintItem, type FingerprintInput } from './fingerprint.ts';
export { compareFingerprints, textSimilarity, conflictBetween, type StoryComparison, type StoryConflict } from './similarity.ts';
export { sketchOf, lookupKeys, indexKeys, keyExpiry, hash32 } from './lookup-keys.ts';
export { normalizeStoryText, type StoryText } from './normalize-text.ts';
export { createMemoryStoryStore } from './memory-story-store.ts';
export { defaultStorySettings, type StorySettings } from './settings.ts';
export { pairwiseScores, type PairwiseScores } from './evaluate-clusters.ts';
export { clusterStream, storyInputSchema, type StoryInput, type ClusteredItem } from './cluster-stream.ts';
