/**
 * The language of a request: `?lang=` (the visible switch, which also sets a cookie), else the
 * `lang` cookie, else the best `Accept-Language` match, else English.
 */

import { en, type MessageKey, type Messages } from './en.ts';
import { zh } from './zh.ts';

export type Locale = 'en' | 'zh';
export const LOCALES: readonly Locale[] = ['en', 'zh'];
export const CATALOGUES: Readonly<Record<Locale, Messages>> = { en, zh };
/** The `lang` attribute and the switch's own label, written in its own language. */
export const LOCALE_INFO: Readonly<Record<Locale, { tag: string; label: string }>> = {
  en: { tag: 'en', label: 'English' },
  zh: { tag: 'zh-Hans', label: '简体中文' },
};

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

export function translator(locale: Locale): Translate {
  const messages = CATALOGUES[locale];
  return (key, params = {}) =>
    messages[key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function asLocale(value: unknown): Locale | undefined {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value) ? (value as Locale) : undefined;
}

export function pickLocale(input: { query?: string; cookie?: string; acceptLanguage?: string }): Locale {
  return asLocale(input.query) ?? asLocale(input.cookie) ?? fromAcceptLanguage(input.acceptLanguage ?? '') ?? 'en';
}

/** RFC 9110 § 12.5.4: the highest-q range we can serve; `zh`, `zh-CN`, `zh-Hans` all mean zh. */
function fromAcceptLanguage(header: string): Locale | undefined {
  const ranges = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = Number(
        params
          .map((p) => p.trim())
          .find((p) => p.startsWith('q='))
          ?.slice(2) ?? '1',
      );
      return { primary: tag.split('-')[0]!, q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const locale = asLocale(range.primary);
    if (locale !== undefined) return locale;
  }
  return undefined;
}

/** The `lang` cookie value from a Cookie header, without a cookie-parsing dependency. */
export function langCookie(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, value] = part.trim().split('=');
    if (name === 'lang') return value;
  }
  return undefined;
}
