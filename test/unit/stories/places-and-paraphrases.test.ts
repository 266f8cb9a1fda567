import { describe, expect, it } from 'vitest';
import { readStoryFixture, storiesOf } from '../../helpers/stories.ts';

/** Look-alike headlines on different places and bodies, and one event told in two outlets' words. */
const items = readStoryFixture('places-and-paraphrases');

describe('stories: places, bodies and paraphrases', () => {
  it('keeps "urgent debate on Sri Lanka" apart from "urgent debate on Peru", dated or not', async () => {
    const dated = await storiesOf(items);
    expect(dated.get('pe')).toBe('pe');
    expect(dated.get('lk2')).toBe('lk');
    const undated = await storiesOf(items.map((item) => ({ ...item, published: null })));
    expect(undated.get('pe')).toBe('pe');
  });

  it('keeps a Security Council meeting apart from a Human Rights Council debate on the same country', async () => {
    expect((await storiesOf(items)).get('sc')).toBe('sc');
  });

  it('joins two outlets telling one vote in their own words', async () => {
    expect((await storiesOf(items)).get('v2')).toBe('v1');
  });

  it("keeps a request for a council session apart from next week's talks between the same two states", async () => {
    // Talks between Russia and Ukraine recur: sharing the states and the word is not one event.
    expect((await storiesOf(items)).get('ist')).toBe('ist');
  });

  it('keeps talks that share one state apart when each headline names its own other party and city', async () => {
    expect((await storiesOf(items)).get('doha')).toBe('doha');
  });
});
