/** The language the API writes notices, policy texts and errors in: see readerLanguage (English by default). */

export { readerLanguage as noticeLanguage } from '../shell/reader-language.ts';
