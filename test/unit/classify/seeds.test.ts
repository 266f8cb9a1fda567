import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTopics, createTopicEngine, type TopicMatch } from '../../../shared/classify/index.ts';

/**
 * The five seed articles the project was started from. They are read where they live, beside the
 * repository (../shared/seeds); on a machine without them this suite is skipped, saying so.
 */
const seedDir = path.join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'seeds');
const haveSeeds = existsSync(seedDir) && readdirSync(seedDir).filter((f) => /^00[0-4]_/.test(f)).length === 5;

/** Where an article's own text stops and the site's furniture (newsletter, appeal, links) starts. */
const FURNITURE = /^(Read more about:|Sign up for our free weekly newsletter|A Message from The Moscow Times)/;

/** Title, lead (first two paragraphs) and whole body of an article, without page furniture. */
function readSeed(prefix: string): { title: string; lead: string; body: string } {
  const file = readdirSync(seedDir).find((f) => f.startsWith(prefix)) as string;
  const lines = readFileSync(path.join(seedDir, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(Support The Moscow Times!|Contribute today)$/.test(l) && !/^date \d/.test(l));
  const end = lines.findIndex((l) => FURNITURE.test(l));
  const article = end < 0 ? lines : lines.slice(0, end);
  const title = article[0] as string;
  // Paragraphs are long lines ending a sentence; captions and credits are not.
  const paragraphs = article.slice(1).filter((l) => l.length >= 120 && /[.!?"”’]$/.test(l) && !l.includes('Getty Images') && l !== title);
  return { title, lead: paragraphs.slice(0, 2).join(' '), body: paragraphs.join(' ') };
}

const engine = createTopicEngine(builtinTopics);
const classify = (title: string, summary: string) => engine.classify({ title, summary });
const topicsOf = (title: string, summary: string) =>
  classify(title, summary)
    .map((m) => m.topic)
    .sort();
const matchedTexts = (matches: TopicMatch[], topic: string) => matches.find((m) => m.topic === topic)?.matched.map((m) => m.text) ?? [];

if (!haveSeeds) {
  describe('seed articles', () => {
    it.skip(`skipped: the five seed articles are not at ${seedDir} (they live beside the repository, in ../shared/seeds)`, () => {});
  });
}

/**
 * What a careful reader gives each seed, read as the pipeline reads a feed item (title and
 * lead) and as a whole article (title and every paragraph).
 */
describe.skipIf(!haveSeeds)('seed articles get the topics a careful reader gives them', () => {
  it('000 Russia requests a UN Security Council meeting over obstruction of peace negotiations', () => {
    const seed = readSeed('000_');
    // The lead: the requested council meeting and the Ukraine peace negotiations.
    expect(topicsOf(seed.title, seed.lead)).toEqual(['talks', 'un-meeting']);
    // The whole article also reports the Istanbul talks and Trump warning of new sanctions on Russia.
    const whole = classify(seed.title, seed.body);
    expect(whole.map((m) => m.topic).sort()).toEqual(['sanctions', 'talks', 'un-meeting']);
    expect(matchedTexts(whole, 'un-meeting')).toEqual(expect.arrayContaining(['UN Security Council', 'Meeting']));
    expect(matchedTexts(whole, 'talks')).toEqual(expect.arrayContaining(['peace negotiations', 'direct talks']));
    expect(matchedTexts(whole, 'sanctions')).toContain('sanctions');
  });

  it('001 Moscow rejects a UN-mediated peace summit: talks, not a UN meeting', () => {
    const seed = readSeed('001_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['talks']);
    const whole = classify(seed.title, seed.body);
    expect(whole.map((m) => m.topic)).toEqual(['talks']);
    expect(matchedTexts(whole, 'talks')).toEqual(expect.arrayContaining(['Peace Talks', 'peace summit']));
  });

  it('002 UN votes on a Ukraine resolution in the General Assembly and the Security Council: a UN meeting only', () => {
    const seed = readSeed('002_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['un-meeting']);
    const whole = classify(seed.title, seed.body);
    expect(whole.map((m) => m.topic)).toEqual(['un-meeting']);
    expect(matchedTexts(whole, 'un-meeting')).toEqual(expect.arrayContaining(['UN votes', 'UN General Assembly']));
  });

  it('003 Russia and Ukraine prepare new peace talks in Istanbul', () => {
    const seed = readSeed('003_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['talks']);
    const whole = classify(seed.title, seed.body);
    expect(whole.map((m) => m.topic)).toEqual(['talks']);
    expect(matchedTexts(whole, 'talks')).toEqual(expect.arrayContaining(['Peace Talks', 'peace settlement']));
  });

  it('004 remarks at a Security Council meeting; a Moscow–Washington summit and negotiations discussed further down', () => {
    const seed = readSeed('004_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['un-meeting']);
    const whole = classify(seed.title, seed.body);
    expect(whole.map((m) => m.topic).sort()).toEqual(['talks', 'un-meeting']);
    expect(matchedTexts(whole, 'un-meeting')).toEqual(expect.arrayContaining(['UN Security Council', 'meeting']));
    expect(matchedTexts(whole, 'talks')).toContain('negotiations');
  });
});
