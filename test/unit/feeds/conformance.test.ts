/**
 * The feed-parsing conformance corpus, every case: 177 core and 51 lenient cases through
 * decode → parse → normalize, and 64 date vectors through the date parser. Cases we do not pass
 * are listed with their reason in test/fixtures/conformance/known-failures.json, and this test
 * keeps that list true in both directions.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFeedDate } from '../../../shared/feeds/parse-date.ts';
import { checkCase, type ConformanceCase } from './conformance-check.ts';

const fixtures = new URL('../../fixtures/conformance/', import.meta.url);
const cases = JSON.parse(readFileSync(new URL('cases.json', fixtures), 'utf8')) as ConformanceCase[];
const dates = JSON.parse(readFileSync(new URL('date-strings.json', fixtures), 'utf8')) as {
  vectors: { input: string; expected: string | null; level: 'core' | 'lenient'; note?: string }[];
};
const known = JSON.parse(readFileSync(new URL('known-failures.json', fixtures), 'utf8')) as {
  cases: Record<string, string>;
  dates: Record<string, string>;
  unavailable: Record<string, string>;
};
/** The corpus itself, for files not redistributable in the repository (see the fixtures README). */
const corpus = new URL('../../../../shared/corpus/feeds/', import.meta.url);

function bodyOf(testCase: ConformanceCase): Buffer | undefined {
  const copied = new URL(`feeds/${testCase.file}`, fixtures);
  if (existsSync(copied)) return readFileSync(copied);
  const original = new URL(testCase.file, corpus);
  return existsSync(original) ? readFileSync(original) : undefined;
}

const tally = { core: { pass: 0, total: 0 }, lenient: { pass: 0, total: 0 }, dates: { pass: 0, total: 0 }, unavailable: 0 };

describe('feed conformance corpus (cases.json)', () => {
  it('has the expected size, and lists only real cases as known failures', () => {
    expect(cases.filter((c) => c.level === 'core')).toHaveLength(177);
    expect(cases.filter((c) => c.level === 'lenient')).toHaveLength(51);
    const ids = new Set(cases.map((c) => c.id));
    for (const id of [...Object.keys(known.cases), ...Object.keys(known.unavailable)]) expect(ids).toContain(id);
  });

  for (const testCase of cases) {
    it(`${testCase.level} ${testCase.id}`, async () => {
      tally[testCase.level].total++;
      const body = bodyOf(testCase);
      if (!body) {
        // Only a case the fixtures README names as not redistributable may be missing.
        expect(known.unavailable[testCase.id], `fixture missing for ${testCase.id}`).toBeDefined();
        tally.unavailable++;
        return;
      }
      const failures = await checkCase(testCase, body);
      const reason = known.cases[testCase.id];
      if (reason === undefined) {
        expect(failures, `${testCase.id} fails; fix it or list it in known-failures.json with the reason`).toEqual([]);
        tally[testCase.level].pass++;
      } else {
        expect(failures.length, `${testCase.id} passes now: remove it from known-failures.json`).toBeGreaterThan(0);
      }
    });
  }

  it('passes at least 172 of 177 core and 41 of 51 lenient cases', () => {
    // Runs after the per-case tests (vitest runs a file's tests in order).
    expect(tally.core.total + tally.lenient.total).toBe(cases.length);
    expect(tally.core.pass).toBeGreaterThanOrEqual(172);
    expect(tally.lenient.pass).toBeGreaterThanOrEqual(41);
  });
});

describe('date vectors (date-strings.json) through parseFeedDate', () => {
  for (const vector of dates.vectors) {
    it(`${vector.level} ${JSON.stringify(vector.input)} → ${vector.expected}`, () => {
      tally.dates.total++;
      const got = parseFeedDate(vector.input);
      if (known.dates[vector.input] === undefined) {
        expect(got).toBe(vector.expected);
        tally.dates.pass++;
      } else {
        expect(got, `${vector.input} passes now: remove it from known-failures.json`).not.toBe(vector.expected);
      }
    });
  }
});

afterAll(() => {
  const { core, lenient, dates: d, unavailable } = tally;
  console.log(
    `conformance: core ${core.pass}/${core.total}, lenient ${lenient.pass}/${lenient.total}, dates ${d.pass}/${d.total}` +
      (unavailable ? ` (${unavailable} case not in the repository, counted as not passed)` : ''),
  );
});
