// A minimal scripted browser for protocol tests: a cookie jar, manual redirects, and filling the
// first HTML form on a page the way a person would. (The real-browser tests live in test/e2e.)

export interface Page {
  status: number;
  url: string;
  headers: Headers;
  body: string;
}

export class ScriptedBrowser {
  private readonly cookies = new Map<string, string>();
  /** Every Set-Cookie line this browser received, in order, for assertions on attributes. */
  readonly setCookieLines: string[] = [];

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  cookie(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** Puts a cookie in the jar as another site or an attacker could (session fixation tests). */
  plantCookie(name: string, value: string): void {
    this.cookies.set(name, value);
  }

  private remember(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      this.setCookieLines.push(line);
      const [pair, ...attributes] = line.split(';');
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index).trim();
      const value = pair!.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** One request, no redirect following. */
  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Page> {
    const headers: Record<string, string> = {};
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.remember(response.headers);
    return { status: response.status, url, headers: response.headers, body: await response.text() };
  }

  /**
   * Follows redirects on the authorization server; stops at the first redirect that leaves it
   * (the client's redirect_uri) and returns that Location without requesting it.
   */
  async navigate(url: string, init: { method?: string; form?: Record<string, string> } = {}, stayOn?: string): Promise<Page & { leftTo?: string }> {
    let page = await this.request(url, init);
    const origin = stayOn ?? new URL(url).origin;
    for (let hops = 0; hops < 10 && page.status >= 300 && page.status < 400; hops++) {
      const location = new URL(page.headers.get('location')!, page.url).toString();
      if (new URL(location).origin !== origin) return { ...page, leftTo: location };
      page = await this.request(location);
    }
    return page;
  }

  /** Submits the first form on the page with its hidden fields plus `fields`. */
  async submitForm(page: Page, fields: Record<string, string>, stayOn?: string): Promise<Page & { leftTo?: string }> {
    const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page.body);
    if (!form) throw new Error(`no form on page ${page.url} (status ${page.status})`);
    const values: Record<string, string> = {};
    for (const input of form[2]!.matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) {
      values[input[1]!] = decodeEntities(input[2]!);
    }
    const action = new URL(decodeEntities(form[1]!), page.url).toString();
    return this.navigate(action, { method: 'POST', form: { ...values, ...fields } }, stayOn ?? new URL(page.url).origin);
  }
}

export function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
