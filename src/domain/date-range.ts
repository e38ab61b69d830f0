/**
 * The dates an input may carry. Credence files decisions of the People's Republic of China's authorities (courts,
 * tax bureaus, regulators, licensing offices), none older than its founding on 1 October 1949; and no period the law
 * sets runs for centuries (the longest fixed listing is a few years; "until performance" has no end date at all), so
 * a date from 2200 on is a mistake. Dates outside are refused rather than taken literally: `0001-01-01` or
 * `9999-12-31` would otherwise be filed, scored and disclosed as given.
 */

/** The first instant accepted: 1949-10-01T00:00:00Z. */
export const EARLIEST_DATE = new Date(Date.UTC(1949, 9, 1));
/** The first instant refused after the range: 2200-01-01T00:00:00Z. */
export const END_OF_DATES = new Date(Date.UTC(2200, 0, 1));

/** Why `date` is out of range (to follow the field's name in a message), or null. */
export function dateRangeFault(date: Date): string | null {
  const time = date.getTime();
  if (time >= EARLIEST_DATE.getTime() && time < END_OF_DATES.getTime()) return null;
  return 'must be from 1949-10-01 to 2199-12-31 (no decision of these authorities is older; none lasts longer)';
}
