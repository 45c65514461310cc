// Which language a page speaks (OIDC Core §3.1.2.1 ui_locales, then the browser's
// Accept-Language, RFC 9110 §12.5.4), and the one shape every message catalogue has: one object
// per supported language, the same keys in each (TypeScript checks that a translation is complete).

/** The languages Gatehouse's pages and mails speak; advertised as ui_locales_supported (OIDC Discovery §3). */
export const supportedLocales = ['en', 'de'] as const;
export type Locale = (typeof supportedLocales)[number];
export const defaultLocale: Locale = 'en';

/** A catalogue: the same messages in every supported language. */
export type Catalogue<T> = { readonly [L in Locale]: T };

function isLocale(value: string): value is Locale {
  return (supportedLocales as readonly string[]).includes(value);
}

/** The primary language of a BCP 47 tag we speak ("de-AT" -> "de"), else null. */
export function localeOf(tag: string): Locale | null {
  const language = tag.trim().toLowerCase().split('-')[0] ?? '';
  return isLocale(language) ? language : null;
}

/** RFC 9110 §12.5.4: the tags of an Accept-Language header, best first (q=0 dropped; stable for equal q). */
export function acceptLanguageTags(header: string | undefined): string[] {
  if (!header) return [];
  return header.slice(0, 1024).split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { tag: tag.trim(), weight: Number.isFinite(weight) ? weight : 0, index };
    })
    .filter((entry) => entry.tag !== '' && entry.tag !== '*' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.index - b.index)
    .map((entry) => entry.tag);
}

/**
 * The page's language: the first of ui_locales (space-separated, most preferred first) we speak,
 * else the first of Accept-Language, else English.
 */
export function negotiateLocale(uiLocales: string | readonly string[] | undefined, acceptLanguage: string | undefined): Locale {
  const asked = typeof uiLocales === 'string' ? uiLocales.split(' ') : uiLocales ?? [];
  for (const tag of [...asked, ...acceptLanguageTags(acceptLanguage)]) {
    const locale = localeOf(tag);
    if (locale) return locale;
  }
  return defaultLocale;
}

/** Fills `{name}` placeholders; values are inserted as given (escape them first when the result is HTML). */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
