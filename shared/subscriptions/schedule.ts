import type { DigestCadence, Weekday } from '../store/records.ts';

/**
 * When digests go out, in the subscriber's own time zone, with the runtime's time zone data
 * (Intl): hourly at the top of each local hour, daily at the delivery hour, weekly on the chosen
 * day at the delivery hour. Daylight-saving changes are handled by asking Intl for the offset at
 * the instant itself; a delivery hour that does not exist on a spring-forward day goes out an
 * hour later that day, one that happens twice goes out the first time.
 */

export interface DigestSchedule {
  cadence: DigestCadence;
  /** 0–23, local time. */
  deliveryHour: number;
  timeZone: string;
  weeklyDay: Weekday;
}

/** Local calendar fields of an instant in a time zone. */
export interface ZonedTime {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const weekdayIndex: Record<Weekday, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const shortWeekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local date and time of `instant` in `timeZone`. */
export function zonedTime(instant: Date, timeZone: string): ZonedTime {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: shortWeekdays.indexOf(parts.weekday ?? ''),
  };
}

/** Milliseconds the zone is ahead of UTC at `instant`. */
function offsetAt(instant: number, timeZone: string): number {
  const local = zonedTime(new Date(instant), timeZone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local time. Month and day
 * may overflow (day 32 is the 1st of the next month), as with Date.UTC.
 */
export function zonedToInstant(local: { year: number; month: number; day: number; hour: number; minute?: number }, timeZone: string): Date {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute ?? 0, 0);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  if (first === second) return new Date(first);
  // Around a transition the two guesses differ: take the one that shows the wanted wall time,
  // else (a skipped hour) the later one, which is that hour pushed forward.
  const shows = (instant: number) => {
    const t = zonedTime(new Date(instant), timeZone);
    return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute) === wall;
  };
  const candidates = [first, second].sort((a, b) => a - b);
  return new Date(candidates.find(shows) ?? candidates[1]!);
}

/** The first time strictly after `now` at which a digest on `schedule` goes out. */
export function nextDigestAt(now: Date, schedule: DigestSchedule): Date {
  const local = zonedTime(now, schedule.timeZone);
  const after = (candidate: Date) => candidate.getTime() > now.getTime();
  switch (schedule.cadence) {
    case 'hourly': {
      for (let add = 1; add <= 3; add++) {
        const candidate = zonedToInstant({ ...local, hour: local.hour + add, minute: 0 }, schedule.timeZone);
        if (after(candidate)) return candidate;
      }
      return new Date(Math.floor(now.getTime() / 3_600_000 + 1) * 3_600_000);
    }
    case 'daily': {
      for (let add = 0; add <= 2; add++) {
        const candidate = zonedToInstant({ ...local, day: local.day + add, hour: schedule.deliveryHour, minute: 0 }, schedule.timeZone);
        if (after(candidate)) return candidate;
      }
      break;
    }
    case 'weekly': {
      const ahead = (weekdayIndex[schedule.weeklyDay] - local.weekday + 7) % 7;
      for (const add of [ahead, ahead + 7, ahead + 14]) {
        const candidate = zonedToInstant({ ...local, day: local.day + add, hour: schedule.deliveryHour, minute: 0 }, schedule.timeZone);
        if (after(candidate)) return candidate;
      }
      break;
    }
  }
  throw new RangeError(`digest schedule failed: no ${schedule.cadence} time after ${now.toISOString()} (${schedule.timeZone})`);
}
