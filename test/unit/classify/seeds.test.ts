import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinTopics, createTopicEngine } from '../../../shared/classify/index.ts';

/**
 * The five seed articles the project was started from. They are read where they live, beside the
 * repository (../shared/seeds); on a machine without them this suite is skipped.
 */
const seedDir = path.join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'seeds');
const haveSeeds = existsSync(seedDir) && readdirSync(seedDir).length >= 5;

/** Title, lead (first two paragraphs) and whole body of an article, without page furniture. */
function readSeed(prefix: string): { title: string; lead: string; body: string } {
  const file = readdirSync(seedDir).find((f) => f.startsWith(prefix)) as string;
  const lines = readFileSync(path.join(seedDir, file), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^(Support The Moscow Times!|Contribute today)$/.test(l) && !/^date \d/.test(l));
  const title = lines[0] as string;
  // Paragraphs are long lines ending a sentence; captions and credits are not.
  const paragraphs = lines.slice(1).filter((l) => l.length >= 120 && /[.!?"”’]$/.test(l) && !l.includes('Getty Images') && l !== title);
  return { title, lead: paragraphs.slice(0, 2).join(' '), body: paragraphs.join(' ') };
}

const engine = createTopicEngine(builtinTopics);
const topicsOf = (title: string, summary: string) =>
  engine
    .classify({ title, summary })
    .map((m) => m.topic)
    .sort();

describe.skipIf(!haveSeeds)('seed articles get the topics a careful reader gives them', () => {
  it('000 Russia requests a UN Security Council meeting over obstruction of peace negotiations', () => {
    const seed = readSeed('000_');
    // The lead: the requested council meeting and the Ukraine peace negotiations.
    expect(topicsOf(seed.title, seed.lead)).toEqual(['talks', 'un-meeting']);
    // The whole article also reports Trump weighing new sanctions on Russia.
    expect(topicsOf(seed.title, seed.body)).toEqual(['sanctions', 'talks', 'un-meeting']);
  });

  it('001 Moscow rejects a UN-mediated peace summit: talks, not a UN meeting', () => {
    const seed = readSeed('001_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['talks']);
    expect(topicsOf(seed.title, seed.body)).toEqual(['talks']);
  });

  it('002 UN votes on a Ukraine resolution in the General Assembly and the Security Council', () => {
    const seed = readSeed('002_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['un-meeting']);
    expect(topicsOf(seed.title, seed.body)).toEqual(['un-meeting']);
  });

  it('003 Russia and Ukraine prepare new peace talks in Istanbul', () => {
    const seed = readSeed('003_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['talks']);
    expect(topicsOf(seed.title, seed.body)).toEqual(['talks']);
  });

  it('004 remarks at a Security Council meeting; a Moscow–Kyiv summit discussed further down', () => {
    const seed = readSeed('004_');
    expect(topicsOf(seed.title, seed.lead)).toEqual(['un-meeting']);
    expect(topicsOf(seed.title, seed.body)).toEqual(['talks', 'un-meeting']);
  });
});
