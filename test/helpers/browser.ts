import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/**
 * A tiny cookie-keeping client over app.inject(), posting forms the way a browser does:
 * with the CSRF token found in the last page it loaded.
 */
export class TestBrowser {
  readonly cookies = new Map<string, string>();
  lastHtml = '';
  constructor(
    private readonly app: FastifyInstance,
    readonly ip = '203.0.113.10',
  ) {}

  private cookieHeader(): string {
    // Sent back encoded, as a browser returns what Set-Cookie gave it (the parsed value is decoded).
    return [...this.cookies].map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('; ');
  }

  private keep(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number; expires?: Date }>) {
      const expired = c.value === '' || c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now());
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
    if (String(res.headers['content-type'] ?? '').includes('text/html')) this.lastHtml = res.body;
  }

  /**
   * Loads a page as a click on one of ours would (Sec-Fetch-Site: same-origin); `headers` change
   * that, e.g. to arrive from another site.
   */
  async get(
    url: string,
    options: { headers?: Record<string, string> } = {},
  ): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method: 'GET',
      url,
      headers: { 'sec-fetch-site': 'same-origin', ...options.headers, cookie: this.cookieHeader() },
      remoteAddress: this.ip,
    });
    this.keep(res);
    return res;
  }

  /** The CSRF token of the last page loaded (loads `from` first if given). */
  async csrf(from?: string): Promise<string> {
    if (from) await this.get(from);
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!m) throw new Error('no CSRF token in the last page');
    return m[1]!;
  }

  async post(
    url: string,
    form: Record<string, string | string[]>,
    options: { from?: string; csrf?: string | null } = {},
  ): Promise<LightMyRequestResponse> {
    const token =
      options.csrf === null ? undefined : (options.csrf ?? (await this.csrf(options.from ?? url)));
    const body = new URLSearchParams();
    if (token) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form))
      for (const one of Array.isArray(v) ? v : [v]) body.append(k, one);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: this.ip,
    });
    this.keep(res);
    return res;
  }

  async logIn(login: string, password: string): Promise<LightMyRequestResponse> {
    return this.post('/connexion', { login, password }, { from: '/connexion' });
  }
}
