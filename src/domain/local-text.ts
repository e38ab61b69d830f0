/**
 * Texts a person reads, in every language Credence speaks: the policy carries each name, legal
 * basis, description and exit route as `{en, zh}` (DESIGN: "the policy carries both languages for
 * every text a person reads"). The web's `Locale` is the same union; the domain does not import it.
 */

export type Language = 'en' | 'zh';

/** One text in every language. */
export type LocalText = Readonly<Record<Language, string>>;

/** `text` in `language`. */
export function inLanguage(text: LocalText, language: Language): string {
  return text[language];
}

/** The name of a policy entry (a list, record type, action...) in `language`, or `id` where the policy has none. */
export function nameIn(language: Language, entry: { readonly name: LocalText } | undefined, id: string): string {
  return entry === undefined ? id : entry.name[language];
}
