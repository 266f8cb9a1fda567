import { describe, expect, it } from 'vitest';
import { compileFilterQuery, FilterQueryError } from '../../../shared/classify/index.ts';

const iranOil = { title: "Iran's oil exports fall under U.S. sanctions", summary: 'Tehran blamed Washington for the slump in shipments.' };
const russia = { title: 'EU adopts new sanctions package against Russia', summary: 'The measures target oil tankers of the shadow fleet.' };
const talks = { title: 'Iran and EU resume nuclear talks in Vienna', summary: 'Negotiators said sanctions relief was on the table.' };

function errorOf(query: string): FilterQueryError {
  try {
    compileFilterQuery(query);
  } catch (error) {
    expect(error).toBeInstanceOf(FilterQueryError);
    return error as FilterQueryError;
  }
  throw new Error(`expected "${query}" to be rejected`);
}

describe('subscriber filter queries', () => {
  it('combine terms with AND, OR and parentheses', () => {
    const filter = compileFilterQuery('sanctions AND (Iran OR Tehran)');

    expect(filter.matches(iranOil)).toBe(true);
    expect(filter.matches(russia)).toBe(false);
    expect(filter.matches(talks)).toBe(true);
  });

  it('read side-by-side terms as AND and honour NOT', () => {
    expect(compileFilterQuery('sanctions Iran').matches(russia)).toBe(false);
    expect(compileFilterQuery('sanctions NOT Russia').matches(iranOil)).toBe(true);
    expect(compileFilterQuery('sanctions NOT Russia').matches(russia)).toBe(false);
    expect(compileFilterQuery('NOT (Iran OR Russia)').matches(russia)).toBe(false);
  });

  it('match quoted phrases as consecutive words, folded like topic phrases', () => {
    expect(compileFilterQuery('"nuclear talks"').matches(talks)).toBe(true);
    expect(compileFilterQuery('"talks nuclear"').matches(talks)).toBe(false);
    expect(compileFilterQuery('"US sanctions"').matches(iranOil)).toBe(true);
    expect(compileFilterQuery('"shadow-fleet"').matches(russia)).toBe(true);
    expect(compileFilterQuery('iran').matches(iranOil)).toBe(true);
  });

  it('limit a term to the title or the summary', () => {
    expect(compileFilterQuery('title:Tehran').matches(iranOil)).toBe(false);
    expect(compileFilterQuery('summary:Tehran').matches(iranOil)).toBe(true);
    expect(compileFilterQuery('title:"nuclear talks" AND summary:sanctions').matches(talks)).toBe(true);
  });

  it('match prefixes written with *', () => {
    expect(compileFilterQuery('negotiat* AND Iran').matches(talks)).toBe(true);
    expect(compileFilterQuery('sanction*').matches({ title: 'Treasury sanctioned three banks' })).toBe(true);
  });

  it('treat lower-case and/or/not as words, upper-case ones as operators', () => {
    const filter = compileFilterQuery('"oil and gas"');
    expect(filter.matches({ title: 'Oil and gas sanctions widened' })).toBe(true);
    expect(
      compileFilterQuery('Iran and Russia')
        .terms()
        .map((t) => t.text),
    ).toEqual(['Iran', 'and', 'Russia']);
  });

  it('report a malformed query with what is wrong and where', () => {
    expect(errorOf('').message).toBe('filter query invalid: empty');
    expect(errorOf('sanctions AND').message).toBe('filter query invalid: a term is missing at the end');
    expect(errorOf('(Iran OR Tehran').message).toBe('filter query invalid: "(" at 0 is never closed');
    expect(errorOf('Iran)').position).toBe(4);
    expect(errorOf('Iran)').message).toBe('filter query invalid: unmatched ")" at 4');
    expect(errorOf('sanctions AND OR Iran').message).toBe('filter query invalid: expected a term at 14, found "OR"');
    expect(errorOf('"nuclear talks').message).toBe('filter query invalid: unterminated quote at 0');
    expect(errorOf('body:Iran').message).toBe('filter query invalid: unknown field "body:" at 0 (use title: or summary:)');
    expect(errorOf('ne* talks').message).toContain('term "ne*" at 0: "ne*": a prefix needs at least 3 letters');
    expect(errorOf('@country').message).toContain('lexicon classes (@name) are for topic files');
    expect(errorOf('x'.repeat(501)).message).toBe('filter query invalid: longer than 500 characters');
  });

  it('list its terms with their field scope', () => {
    expect(compileFilterQuery('title:"peace talks" OR summary:ceasefire Iran').terms()).toEqual([
      { text: 'peace talks', field: 'title' },
      { text: 'ceasefire', field: 'summary' },
      { text: 'Iran', field: 'any' },
    ]);
  });
});
