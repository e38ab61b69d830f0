/**
 * Dates, times and durations on pages, in the page's language and the deployment's time zone
 * (`CREDENCE_TIME_ZONE`, set once when the pages are registered): "2026年12月2日", "2 December 2026, 07:25 GMT+8",
 * "3个月". Form fields keep ISO dates (`<input type="date">` needs them); only what people read goes through here.
 */

import { formatDateTime, formatDay, formatDuration } from '../domain/local-time.ts';
import type { Locale } from './i18n/index.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

let zone = DEFAULT_TIME_ZONE;

/** The time zone every page formats in: one per process, from its configuration. */
export function useTimeZone(timeZone: string): void {
  zone = timeZone;
}

/** The time zone pages format in now. */
export function pageTimeZone(): string {
  return zone;
}

/** A calendar day: "2026年12月2日", "2 December 2026". */
export function localDay(locale: Locale, value: Date | string): string {
  return formatDay(value, locale, zone);
}

/** A moment to the minute, with the zone in English: "2026年12月2日 07:25", "2 December 2026, 07:25 GMT+8". */
export function localDateTime(locale: Locale, value: Date | string): string {
  return formatDateTime(value, locale, zone);
}

/** An ISO 8601 duration in words: "3个月", "1 year". */
export function localDuration(locale: Locale, iso: string): string {
  return formatDuration(iso, locale);
}
