/**
 * Keeping secrets (tokens, the OAuth client secret, proxy passwords) out of every LOG, TRACE and CONNECTION_STATUS
 * text: the last line of defence behind messages that are written not to contain them in the first place.
 *
 * A secret is matched in every form in which it leaves the process (see {@link secretForms}); HTTP Basic
 * credentials are registered as their own secret ({@link basicCredential}). Long secrets are replaced wherever they
 * occur; short ones only where they stand alone, so that a secret such as `order1` does not blank out part of
 * `order12` or `reorder1x`. Secrets too short for that to be safe are refused earlier, as config errors
 * ({@link MIN_SECRET_LENGTH}).
 */

/**
 * The fewest characters a credential may have: shorter ones would match ordinary words and numbers of log lines, so
 * they cannot be redacted without garbling them. `parseConfig` and the proxy settings refuse them (config error).
 */
export const MIN_SECRET_LENGTH = 6;

/**
 * From this length on, a secret (in any form) is replaced wherever it occurs, even inside a longer word: no ordinary
 * text contains 12 characters of a token by chance. Shorter forms are replaced only where the characters on both
 * sides are not letters or digits.
 */
export const SECRET_ANYWHERE_LENGTH = 12;

/** What a secret is replaced with. */
export const REDACTED = '***';

/**
 * Every form in which `secret` can appear in text derived from what was sent or received: as written, URL-encoded
 * (path or query component, as in a proxy URL), form-encoded (`application/x-www-form-urlencoded`, as the OAuth
 * refresh token is sent: spaces as `+`), and JSON-escaped (as a server may echo it inside a JSON string).
 */
export function secretForms(secret: string): string[] {
  const forms = new Set<string>([secret, encodeURIComponent(secret), new URLSearchParams({ s: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)]);
  return [...forms].filter((f) => f.length > 0);
}

/** The token of an HTTP Basic `Authorization` header for `user` and `password` (RFC 7617): base64 of `user:password`. */
export function basicCredential(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** One alternative of the combined pattern: anywhere for long forms, standing alone for short ones. */
function alternative(form: string): string {
  const literal = escapeRegExp(form);
  return form.length >= SECRET_ANYWHERE_LENGTH ? literal : `(?<![\\p{L}\\p{N}])${literal}(?![\\p{L}\\p{N}])`;
}

/**
 * A set of secrets and the text transformation that hides them. Empty secrets are ignored; every other secret is
 * kept (also one shorter than {@link MIN_SECRET_LENGTH}: it is then matched standing alone only).
 */
export class Redactor {
  private readonly forms = new Set<string>();
  private pattern: RegExp | undefined;

  /** Registers `secret` in all its {@link secretForms}. */
  add(secret: string | undefined): void {
    if (!secret) return;
    let changed = false;
    for (const f of secretForms(secret)) {
      if (!this.forms.has(f)) {
        this.forms.add(f);
        changed = true;
      }
    }
    if (changed) {
      // Longest first, so a form that contains a shorter one is replaced whole.
      const alternatives = [...this.forms].sort((a, b) => b.length - a.length).map(alternative);
      this.pattern = new RegExp(alternatives.join('|'), 'gu');
    }
  }

  /** `text` with every registered secret replaced by {@link REDACTED}. */
  redact(text: string): string {
    return this.pattern ? text.replace(this.pattern, REDACTED) : text;
  }
}
