import { describe, expect, it } from 'vitest';
import { nextDigestAt, zonedTime } from '../../../shared/subscriptions/index.ts';
import { type DigestSchedule, zonedToInstant } from '../../../shared/subscriptions/schedule.ts';

const schedule = (overrides: Partial<DigestSchedule>): DigestSchedule => ({
  cadence: 'daily',
  deliveryHour: 8,
  timeZone: 'UTC',
  weeklyDay: 'mon',
  ...overrides,
});
const at = (iso: string) => new Date(iso);

describe('nextDigestAt', () => {
  it('sends hourly digests at the top of the next hour', () => {
    expect(nextDigestAt(at('2025-03-05T10:20:30Z'), schedule({ cadence: 'hourly' })).toISOString()).toBe('2025-03-05T11:00:00.000Z');
    expect(nextDigestAt(at('2025-03-05T10:00:00Z'), schedule({ cadence: 'hourly' })).toISOString()).toBe('2025-03-05T11:00:00.000Z');
  });

  it('uses the local top of the hour in a zone with a half-hour offset', () => {
    // India is UTC+5:30: the local hour starts at :30 UTC.
    expect(nextDigestAt(at('2025-03-05T10:20:00Z'), schedule({ cadence: 'hourly', timeZone: 'Asia/Kolkata' })).toISOString()).toBe(
      '2025-03-05T10:30:00.000Z',
    );
  });

  it('sends daily digests at the delivery hour in the subscriber’s zone, today or tomorrow', () => {
    const kyiv = schedule({ deliveryHour: 7, timeZone: 'Europe/Kyiv' }); // UTC+2 in winter
    expect(nextDigestAt(at('2025-02-10T04:59:00Z'), kyiv).toISOString()).toBe('2025-02-10T05:00:00.000Z');
    expect(nextDigestAt(at('2025-02-10T05:00:00Z'), kyiv).toISOString()).toBe('2025-02-11T05:00:00.000Z');
    expect(nextDigestAt(at('2025-02-10T22:30:00Z'), kyiv).toISOString()).toBe('2025-02-11T05:00:00.000Z');
  });

  it('keeps the local hour across daylight-saving changes', () => {
    const newYork = schedule({ deliveryHour: 8, timeZone: 'America/New_York' });
    // The night DST starts (2025-03-09): 08:00 EDT is 12:00 UTC, the day before 08:00 EST was 13:00 UTC.
    expect(nextDigestAt(at('2025-03-08T14:00:00Z'), newYork).toISOString()).toBe('2025-03-09T12:00:00.000Z');
    expect(nextDigestAt(at('2025-03-08T12:00:00Z'), newYork).toISOString()).toBe('2025-03-08T13:00:00.000Z');
  });

  it('moves an hour that does not exist on the spring-forward day to the hour after', () => {
    // 02:00 does not happen in New York on 2025-03-09.
    const at2 = zonedToInstant({ year: 2025, month: 3, day: 9, hour: 2 }, 'America/New_York');
    expect(zonedTime(at2, 'America/New_York').hour).toBe(3);
  });

  it('sends weekly digests on the chosen day', () => {
    const weekly = schedule({ cadence: 'weekly', weeklyDay: 'fri', deliveryHour: 9, timeZone: 'Europe/Berlin' });
    // Wednesday 2025-03-05 → Friday 2025-03-07 09:00 CET (08:00 UTC).
    expect(nextDigestAt(at('2025-03-05T12:00:00Z'), weekly).toISOString()).toBe('2025-03-07T08:00:00.000Z');
    // Friday after the hour → the Friday after.
    expect(nextDigestAt(at('2025-03-07T08:00:00Z'), weekly).toISOString()).toBe('2025-03-14T08:00:00.000Z');
  });

  it('reads local time in any zone', () => {
    expect(zonedTime(at('2025-01-01T23:30:00Z'), 'Asia/Tokyo')).toMatchObject({
      year: 2025,
      month: 1,
      day: 2,
      hour: 8,
      minute: 30,
      weekday: 4,
    });
  });
});
