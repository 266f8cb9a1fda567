import { describe, expect, it } from 'vitest';
import {
  changeSizesOf,
  countsOf,
  leadSentence,
  monthsOf,
  ordinalsOf,
  qualifiersOf,
  stagesOf,
  weekdaysOf,
} from '../../../shared/stories/signals.ts';
import { compareFingerprints } from '../../../shared/stories/similarity.ts';
import { fingerprintItem } from '../../../shared/stories/fingerprint.ts';
import { splitWords } from '../../../shared/stories/tokenize.ts';

const words = (text: string) => splitWords(text);

describe('time signals', () => {
  it('reads weekdays, and resolves today and yesterday only when the publication date is known', () => {
    expect(weekdaysOf(words('The council met on Tuesday and Friday'), undefined)).toEqual([2, 5]);
    expect(weekdaysOf(words('The council met yesterday'), undefined)).toEqual([]);
    // 2030-03-06 is a Wednesday.
    expect(weekdaysOf(words('The council met yesterday'), new Date('2030-03-06T10:00:00Z'))).toEqual([2]);
    expect(weekdaysOf(words('He resigned this morning'), new Date('2030-03-06T10:00:00Z'))).toEqual([3]);
  });

  it('reads month names, and "May" or abbreviations only before a day number', () => {
    expect(monthsOf(words('sales in November rose'))).toEqual([10]);
    expect(monthsOf(words('prices may rise'))).toEqual([]);
    expect(monthsOf(words('on May 5 and Sept. 13'))).toEqual([4, 8]);
    // Words that are names of Object's own properties are words like any other.
    expect(monthsOf(words('the constructor of the dam, 3'))).toEqual([]);
  });

  it('reads which one of a series', () => {
    expect(ordinalsOf('raised rates for the fifth time this year')).toEqual(['time:5']);
    expect(ordinalsOf('Fed Raises Rate A 4th Time')).toEqual(['time:4']);
    expect(ordinalsOf('the sixth straight session')).toEqual(['session:6']);
    expect(ordinalsOf('the first African woman to win')).toEqual([]);
  });
});

describe('countsOf', () => {
  it('pairs numbers with the things counted, within a clause, and skips years and units', () => {
    expect(countsOf('survived three no-confidence votes')).toEqual(['noconfid:3', 'vote:3']);
    expect(countsOf('killing 37 people and wounding 50')).toEqual(['dead:37', 'injured:50']);
    expect(countsOf('a 12 percent cut in 2030, 4,400 jobs')).toEqual(['job:4400']);
  });

  it("reads words that are names of Object's own properties as words", () => {
    expect(splitWords('constructor wins toString award')).toEqual(['constructor', 'wins', 'tostring', 'award']);
    expect(countsOf('37 constructor firms')).toEqual(['constructor:37', 'firm:37']);
  });
});

describe('stagesOf and leadSentence', () => {
  it('tells talks from decisions, tentative from final, and repeats', () => {
    expect(stagesOf(words('in advanced talks to buy'))).toEqual(['talks']);
    expect(stagesOf(words('signed a definitive agreement'))).toEqual(['decided', 'final']);
    expect(stagesOf(words('a tentative contract'))).toEqual(['tentative']);
    expect(stagesOf(words('council meets again'))).toEqual(['talks', 'repeat']);
    expect(stagesOf(words('passengers boarded'))).toEqual([]);
  });

  it('tells talks broken off from talks resumed', () => {
    expect(stagesOf(words('rebels boycotted the talks'))).toEqual(['talks', 'halted']);
    expect(stagesOf(words('talks resumed after a boycott'))).toEqual(['talks', 'decided', 'halted', 'resumed']);
  });

  it('ends the lead at a full stop, not at an abbreviation', () => {
    expect(leadSentence('Halden Corp. said on Sept. 13 it agreed. Later it said more.')).toBe('Halden Corp. said on Sept. 13 it agreed.');
  });
});

describe('changeSizesOf', () => {
  it('reads the size of a change as a percentage, not a quarter-point', () => {
    expect(changeSizesOf('the fleet will shrink by almost one third')).toEqual([33.3]);
    expect(changeSizesOf('output falls by 40 percent, and exports by half')).toEqual([40, 50]);
    expect(changeSizesOf('raised rates by a quarter-percentage point')).toEqual([]);
  });
});

describe('qualifiersOf', () => {
  it('reads the qualifier of a compound kind, but not participles or numbers', () => {
    expect(qualifiersOf('a medium-range, nuclear-capable rocket')).toEqual(['capabl:nuclear', 'rang:medium']);
    expect(qualifiersOf('the war-torn region, a US-led force, a 24-hour strike')).toEqual([]);
  });
});

describe('look-alikes the signals keep apart (invented wording)', () => {
  const at = new Date('2030-05-01T00:00:00Z');
  const compare = (a: [string, string], b: [string, string]) =>
    compareFingerprints(
      fingerprintItem({ title: a[0], summary: a[1] }, at),
      fingerprintItem({ title: b[0], summary: b[1] }, at),
      36 * 3600,
    );

  it('two missile tests of different ranges', () => {
    const result = compare(
      [
        'Norland army launches rocket on trial flight',
        'A short-range rocket that can carry a nuclear warhead flew from the desert range, the Norland army said.',
      ],
      [
        'Norland army launches rocket on trial flight',
        'A medium-range rocket that can carry a nuclear warhead flew from the desert range, the Norland army said.',
      ],
    );
    expect(result.conflict).toBe('qualifier');
  });

  it('talks boycotted and talks resumed', () => {
    const result = compare(
      [
        'Valdoria rebels stay away from peace talks',
        'The rebel delegation will boycott the Valdoria peace talks for two days over ceasefire breaches, mediators said.',
      ],
      [
        'Valdoria peace talks resume',
        'Mediators said the Valdoria peace talks resumed on the third day, the rebel delegation having ended its boycott over ceasefire breaches.',
      ],
    );
    expect(result.conflict).toBe('stage');
  });

  it('"another" in a lead does not make a report a repeat; "again" does', () => {
    const lead = (text: string) => fingerprintItem({ title: 'Orders for machinery rise', summary: text }, at).stages;
    expect(lead('Machinery orders rose 0.3 percent despite another drop in shipbuilding contracts.')).not.toContain('repeat');
    expect(lead('The ministry once again asked for restraint.')).toContain('repeat');
  });
});

describe('support for a step vs the step (invented wording)', () => {
  const at = new Date('2030-05-01T00:00:00Z');
  const fp = (title: string, summary: string) => fingerprintItem({ title, summary }, at);

  it('keeps leaders backing an embargo apart from the council voting it, but not a "backs" headline over a vote', () => {
    const backed = fp('Summit backs Valdoria arms embargo', 'A regional summit backed an arms embargo on Valdoria.');
    const voted = fp('UN council votes Valdoria arms embargo', 'The UN Security Council voted an immediate arms embargo on Valdoria.');
    const copy = fp('UN council backs Valdoria arms embargo', 'The UN Security Council voted an immediate arms embargo on Valdoria.');
    expect(compareFingerprints(backed, voted, 3600).conflict).toBe('stage');
    expect(compareFingerprints(copy, voted, 3600).conflict).toBeUndefined();
  });

  it('spares the scores of a conflicting pair only when asked, and finds the same conflict and scores of the rest', () => {
    const backed = fp('Summit backs Valdoria arms embargo', 'A regional summit backed an arms embargo on Valdoria.');
    const voted = fp('UN council votes Valdoria arms embargo', 'The UN Security Council voted an immediate arms embargo on Valdoria.');
    const copy = fp('UN council backs Valdoria arms embargo', 'The UN Security Council voted an immediate arms embargo on Valdoria.');
    const scored = compareFingerprints(backed, voted, 3600);
    expect(scored.copy).toBeGreaterThan(0);
    expect(compareFingerprints(backed, voted, 3600, 3600, { scoreConflicts: false })).toEqual({ ...scored, score: 0, copy: 0 });
    expect(compareFingerprints(copy, voted, 3600, 3600, { scoreConflicts: false })).toEqual(compareFingerprints(copy, voted, 3600));
  });

  it('does not read steps inside hyphenated compounds ("US-backed")', () => {
    expect(fp('Council adopts resolution', 'The council adopted a US-backed resolution.').stages).toEqual(['decided']);
  });
});
