/**
 * Dates, times and durations as a person reads them, per language, in the deployment's time zone
 * (`CREDENCE_TIME_ZONE`; issue 11, "Time"): "2026年12月2日 07:25" and "2 December 2026, 07:25 GMT+8" rather
 * than ISO UTC, "3个月" and "1 year" rather than `P3M`. Through `Intl` only; stored times stay UTC.
 */

import type { Language } from './local-text.ts';

/** The BCP 47 locale each language is formatted in. */
const INTL_LOCALE: Record<Language, string> = { en: 'en-GB', zh: 'zh-CN' };

const formats = new Map<string, Intl.DateTimeFormat>();

function dateTimeFormat(language: Language, timeZone: string, kind: 'day' | 'time' | 'zone'): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${kind}`;
  let format = formats.get(key);
  if (format === undefined) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'day'
        ? { year: 'numeric', month: 'long', day: 'numeric' }
        : kind === 'time'
          ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
          : { timeZoneName: 'short' };
    format = new Intl.DateTimeFormat(INTL_LOCALE[language], { ...options, timeZone });
    formats.set(key, format);
  }
  return format;
}

function asDate(value: Date | string): Date {
  return typeof value === 'string' ? new Date(value) : value;
}

/** The calendar day in `timeZone`: "2026年12月2日", "2 December 2026". */
export function formatDay(value: Date | string, language: Language, timeZone: string): string {
  return dateTimeFormat(language, timeZone, 'day').format(asDate(value));
}

/** The day and minute in `timeZone`: "2026年12月2日 07:25", "2 December 2026, 07:25 GMT+8". */
export function formatDateTime(value: Date | string, language: Language, timeZone: string): string {
  const date = asDate(value);
  const day = formatDay(date, language, timeZone);
  const time = dateTimeFormat(language, timeZone, 'time').format(date);
  if (language === 'zh') return `${day} ${time}`;
  const zone = dateTimeFormat(language, timeZone, 'zone')
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value;
  return `${day}, ${time}${zone === undefined ? '' : ` ${zone}`}`;
}

/** Intl.DurationFormat (ECMA-402, Node 23+), which TypeScript's libraries do not describe yet. */
interface DurationFormat {
  format(duration: Readonly<Record<'years' | 'months' | 'weeks' | 'days', number>>): string;
}
const DurationFormat = (Intl as unknown as { DurationFormat: new (locale: string, options: object) => DurationFormat })
  .DurationFormat;

const DURATION = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$/;

/** An ISO 8601 duration of years, months, weeks and days in words: "1年3个月", "1 year, 3 months"; others as given. */
export function formatDuration(iso: string, language: Language): string {
  const match = DURATION.exec(iso);
  if (match === null || iso === 'P') return iso;
  const [years = 0, months = 0, weeks = 0, days = 0] = match.slice(1).map((n) => (n === undefined ? 0 : Number(n)));
  // A zero duration (P0D: "at once") would format as nothing at all; it reads "0 days", "0天".
  const zero = years + months + weeks + days === 0;
  return new DurationFormat(INTL_LOCALE[language], {
    style: 'long',
    ...(zero ? { daysDisplay: 'always' } : {}),
  }).format({ years, months, weeks, days });
}
