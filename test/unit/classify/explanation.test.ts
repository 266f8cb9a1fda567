import { describe, expect, it } from 'vitest';
import { builtinTopics, createTopicEngine, type ClassifiableItem } from '../../../shared/classify/index.ts';
import { toClassifierText } from '../../../shared/core/classifier-text.ts';

const engine = createTopicEngine(builtinTopics);

function fieldText(item: ClassifiableItem, field: 'title' | 'summary'): string {
  return toClassifierText(field === 'title' ? item.title : (item.summary ?? ''));
}

describe('explanations', () => {
  it('carry the matched text, its field and its position in that field', () => {
    const item = {
      title: 'U.N. Security Council holds emergency meeting on Sudan',
      summary: 'Diplomats said the council would vote on a draft resolution threatening sanctions.',
    };

    const matches = engine.classify(item);

    const un = matches.find((m) => m.topic === 'un-meeting');
    expect(un).toBeDefined();
    expect(un?.matched.map((m) => m.text)).toContain('U.N. Security Council');
    for (const match of matches) {
      expect(match.matched.length).toBeGreaterThan(0);
      for (const m of match.matched) {
        expect(fieldText(item, m.field).slice(m.position, m.position + m.text.length)).toBe(m.text);
        expect(m.rule).not.toBe('');
        expect(m.phrase).not.toBe('');
      }
    }
  });

  it('reports positions in the plain text when the field carried entities and AG leftovers', () => {
    const item = {
      title: 'Sudan #39;s rebels agree to cease-fire talks &lt;b&gt;...&lt;/b&gt;',
      summary: 'The government  quot;welcomed quot; the offer of AU mediation\\in Abuja.',
    };

    const talks = engine.classify(item).find((m) => m.topic === 'talks');

    expect(talks).toBeDefined();
    for (const m of talks?.matched ?? []) {
      expect(fieldText(item, m.field).slice(m.position, m.position + m.text.length)).toBe(m.text);
    }
    expect(talks?.matched.some((m) => m.text === 'cease-fire talks')).toBe(true);
  });

  it('names the phrase as the topic wrote it beside the text as the item wrote it', () => {
    const title = "Russia's envoy demands a UNSC vote on the resolution";
    const [match] = engine.classify({ title });

    expect(match?.topic).toBe('un-meeting');
    const council = match?.matched.find((m) => m.text === 'UNSC');
    expect(council?.phrase).toBe('UNSC');
    expect(council?.field).toBe('title');
    expect(council?.position).toBe(title.indexOf('UNSC'));
  });

  it('scores in [0, 1], lists passing topics only, best first', () => {
    const matches = engine.classify({
      title: 'Security Council votes to tighten sanctions as Iran nuclear talks stall',
      summary: 'The council adopted the resolution while negotiators from Tehran and the EU met in Vienna.',
    });

    expect(matches.map((m) => m.topic).sort()).toEqual(['sanctions', 'talks', 'un-meeting']);
    const scores = matches.map((m) => m.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    for (const score of scores) {
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(1);
    }
  });

  it('evaluate() shows failing topics with each rule contribution, and vetoes', () => {
    const evaluations = engine.evaluate({ title: 'Drugmakers confirm merger talks with Swiss rival' });

    const talks = evaluations.find((e) => e.topic === 'talks');
    expect(talks?.passed).toBe(false);
    expect(talks?.vetoedBy?.text).toBe('merger talks');
    expect(engine.classify({ title: 'Drugmakers confirm merger talks with Swiss rival' })).toEqual([]);
  });
});
