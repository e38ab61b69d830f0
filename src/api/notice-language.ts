/** The language the API writes notices in: Chinese for `Accept-Language: zh*` (zh, zh-CN, zh-Hans...), else English. */

import type { Language } from '../domain/local-text.ts';

export function noticeLanguage(acceptLanguage: string | undefined): Language {
  const first = (acceptLanguage ?? '').split(',')[0]?.split(';')[0]?.trim().toLowerCase() ?? '';
  return first === 'zh' || first.startsWith('zh-') ? 'zh' : 'en';
}
