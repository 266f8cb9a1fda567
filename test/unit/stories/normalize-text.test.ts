import { describe, expect, it } from 'vitest';
import { normalizeStoryText } from '../../../shared/stories/normalize-text.ts';

describe('normalizeStoryText', () => {
  it('drops agency tags, update prefixes and site names from headlines', () => {
    expect(normalizeStoryText('Court Strips General of Immunity (AP)', '').title).toBe('Court Strips General of Immunity');
    expect(normalizeStoryText('UPDATE 2-Steelmaker loses carmaker contract', '').title).toBe('Steelmaker loses carmaker contract');
    expect(normalizeStoryText('Quake hits island | Harbour Times', '').title).toBe('Quake hits island');
    expect(normalizeStoryText('General loses immunity: Your reaction', '').title).toBe('General loses immunity');
  });

  it('keeps a dash that is part of the headline', () => {
    expect(normalizeStoryText('Fierce clashes kill 36 - 203 hurt', '').title).toBe('Fierce clashes kill 36 - 203 hurt');
  });

  it('drops datelines, agency leads, quote boxes and tickers from summaries', () => {
    const cases: [string, string][] = [
      ['CHICAGO (Global Wire) - Pilots ratified the deal.', 'Pilots ratified the deal.'],
      ['Global Wire - Pilots ratified the deal.', 'Pilots ratified the deal.'],
      ['AP - Pilots ratified the deal.', 'Pilots ratified the deal.'],
      ['BAGHDAD, Iraq -- Two bombs exploded.', 'Two bombs exploded.'],
      ['NEW DELHI, Nov 26: India tested a missile.', 'India tested a missile.'],
      ['LOS ANGELES Sept. 13, 2030 - A group agreed to buy a studio.', 'A group agreed to buy a studio.'],
      ['Maker Halvorsen Foods (HLV.N: Quote, Profile, Research) will cut jobs.', 'Maker Halvorsen Foods will cut jobs.'],
      ['Halvorsen Foods &lt;A HREF="http://example.org/q?t=HLV.N"&gt;HLV.N&lt;/A&gt; will cut jobs.', 'Halvorsen Foods will cut jobs.'],
      ['Diplomats said the council would meet...', 'Diplomats said the council would meet'],
    ];
    for (const [raw, clean] of cases) expect(normalizeStoryText('t', raw).summary).toBe(clean);
  });

  it('reads AG News style entities and line breaks like the classifier', () => {
    expect(normalizeStoryText('Iraq #39;s PM', 'Pilots at\\Kestrel \\$1 billion').summary).toBe('Pilots at Kestrel $1 billion');
    expect(normalizeStoryText('Iraq #39;s PM', '').title).toBe("Iraq's PM");
  });
});
