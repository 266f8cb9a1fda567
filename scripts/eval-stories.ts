// Scores `news-alerts stories` (the pipeline's clustering, in memory) against a labelled JSONL
// file (default: ../shared/corpus/stories-realistic-dev.jsonl, read in place) and lists its
// errors: the pairs merged across stories and the pairs of one story kept apart.
//
//   node_modules/.bin/node --import tsx scripts/eval-stories.ts [FILE] [--errors] [--half=a|b] [--dated=N]
//
// --half=a / --half=b keep every other story (by label), to tune on one half and check the other.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { storyInputSchema } from '../cli/story-input.ts';
import { clusterStream, defaultStorySettings, pairwiseScores, type StoryInput } from '../shared/stories/index.ts';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith('--')));
const file = args.find((a) => !a.startsWith('--')) ?? path.join(repoRoot, '..', 'shared', 'corpus', 'stories-realistic-dev.jsonl');
const threshold = args.find((a) => a.startsWith('--dated='))?.slice('--dated='.length);
const undated = args.find((a) => a.startsWith('--undated='))?.slice('--undated='.length);
const settings = {
  ...defaultStorySettings,
  ...(process.env.WIDE ? { sketchSize: 40, maxCandidates: 40, maxPostingsPerKey: 400 } : {}),
  ...(threshold ? { datedThreshold: Number(threshold) } : {}),
  ...(undated ? { undatedThreshold: Number(undated) } : {}),
};
const half = args.find((a) => a.startsWith('--half='))?.slice('--half='.length);

type Labelled = StoryInput & { label: string };
let items: Labelled[] = readFileSync(file, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => {
    const raw = JSON.parse(line) as Record<string, unknown>;
    return { ...storyInputSchema.parse(raw), label: String(raw.story) };
  });
if (half === 'a' || half === 'b') {
  const labels = [...new Set(items.map((i) => i.label))];
  const kept = new Set(labels.filter((_, index) => index % 2 === (half === 'a' ? 0 : 1)));
  items = items.filter((i) => kept.has(i.label));
}

const predicted = new Map<string, { story: string; score?: number }>();
for await (const c of clusterStream(items, { settings })) predicted.set(c.id, c);
const scores = pairwiseScores(items.map((i) => ({ predicted: predicted.get(i.id)!.story, label: i.label })));
console.log(
  `${file}${half ? ` (half ${half})` : ''}: ${items.length} items, precision ${scores.precision.toFixed(3)} recall ${scores.recall.toFixed(3)} (TP ${scores.truePositives}, FP ${scores.falsePositives}, FN ${scores.falseNegatives})`,
);
if (flags.has('--errors')) {
  const byStory = new Map<string, Labelled[]>();
  for (const item of items) {
    const story = predicted.get(item.id)!.story;
    byStory.set(story, [...(byStory.get(story) ?? []), item]);
  }
  console.log('\nmerged across stories:');
  for (const members of byStory.values()) {
    if (new Set(members.map((m) => m.label)).size < 2) continue;
    console.log(`  story of ${members[0]!.id}:`);
    for (const m of members) console.log(`    ${m.label} ${m.id} ${m.published ?? 'undated'}  ${m.title}`);
  }
  console.log('\nstories split:');
  const byLabel = new Map<string, Labelled[]>();
  for (const item of items) byLabel.set(item.label, [...(byLabel.get(item.label) ?? []), item]);
  for (const [label, members] of byLabel) {
    const parts = new Set(members.map((m) => predicted.get(m.id)!.story));
    if (members.length < 2 || parts.size < 2) continue;
    console.log(`  ${label}:`);
    for (const m of members) console.log(`    ${predicted.get(m.id)!.story} ${m.id} ${m.published ?? 'undated'}  ${m.title}`);
  }
}
