/**
 * ISO 8601 durations as the policy uses them: calendar years, months, weeks and days only
 * (`P2Y`, `P3M`, `P1Y6M`, `P2W`, `P30D`). No time part: listings and record lives are counted
 * in calendar days, and hours would invite time-zone arguments a registry should not have.
 * Pure functions; all arithmetic is in UTC.
 */

export interface Duration {
  readonly years: number;
  readonly months: number;
  /** Weeks are folded into days (`P2W` = 14 days). */
  readonly days: number;
}

const DURATION_PATTERN = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;
const MS_PER_DAY = 86_400_000;

/** Parses `PnYnMnWnD` (at least one part, all non-negative integers); `null` if malformed. */
export function parseDuration(text: string): Duration | null {
  const match = DURATION_PATTERN.exec(text);
  if (match === null || text === 'P') return null;
  const [, years, months, weeks, days] = match;
  return {
    years: Number(years ?? 0),
    months: Number(months ?? 0),
    days: Number(weeks ?? 0) * 7 + Number(days ?? 0),
  };
}

// Policies name a handful of durations; parsing each once keeps evaluation off the regex.
const parsed = new Map<string, Duration>();

/**
 * Adds a duration to a date in UTC calendar arithmetic: years and months first, clamping to
 * the end of a shorter month (Jan 31 + P1M = Feb 28 or 29), then days. The time of day is kept.
 * Throws `RangeError` for a malformed duration: callers validate durations at policy load.
 */
export function addDuration(date: Date, text: string): Date {
  let duration = parsed.get(text);
  if (duration === undefined) {
    const fresh = parseDuration(text);
    if (fresh === null) throw new RangeError(`not an ISO 8601 duration of years, months, weeks or days: ${text}`);
    parsed.set(text, fresh);
    duration = fresh;
  }
  return addDays(addMonths(date, duration.years * 12 + duration.months), duration.days);
}

/** Subtracts a duration as addDuration adds it, in reverse: years and months first, then days. */
export function subtractDuration(date: Date, text: string): Date {
  const duration = parseDuration(text);
  if (duration === null) throw new RangeError(`not an ISO 8601 duration of years, months, weeks or days: ${text}`);
  return addDays(addMonths(date, -(duration.years * 12 + duration.months)), -duration.days);
}

/** Adds whole calendar months, clamping the day to the target month's last day. */
export function addMonths(date: Date, months: number): Date {
  const totalMonths = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(totalMonths / 12);
  const month = totalMonths - year * 12;
  const day = Math.min(date.getUTCDate(), daysInMonth(year, month));
  const result = new Date(date.getTime());
  result.setUTCFullYear(year, month, day);
  return result;
}

/** Adds `n` days (negative subtracts). UTC has no daylight saving, so a day is 24 hours. */
export function addDays(date: Date, n: number): Date {
  return new Date(date.getTime() + n * MS_PER_DAY);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}
