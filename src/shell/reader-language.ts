/** The language a program's request is answered in: Chinese for `Accept-Language: zh*` (zh, zh-CN...), else English. */

import type { Language } from '../domain/local-text.ts';

export function readerLanguage(acceptLanguage: string | undefined): Language {
  const first = (acceptLanguage ?? '').split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
  return first === 'zh' || first.startsWith('zh-') ? 'zh' : 'en';
}
