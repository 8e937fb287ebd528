import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { insertSession } from '../../../src/db/repositories/sessions.js';
import { newSecretToken, sha256 } from '../../../src/security/tokens.js';
import { SESSION_COOKIE } from '../../../src/web/app.js';
import type { TestContext } from '../app.js';

export type ActorName =
  | 'visitor'
  | 'patron:pending'
  | 'patron:active'
  | 'patron:renewal_pending'
  | 'patron:expired'
  | 'staff:A'
  | 'staff:B'
  | 'admin';

export type Form = Record<string, string | string[]>;

/**
 * Someone sending requests: a session cookie minted straight into the sessions table (the
 * login's argon2 check costs ~60 ms; what is probed here is what a session may do) and the
 * CSRF cookie and token of a page it loaded.
 */
export class ProbeClient {
  session: string | null = null;
  csrfCookie = '';
  csrfToken = '';
  private static ip = 0;
  readonly ip = `198.51.100.${(ProbeClient.ip++ % 250) + 1}`;

  constructor(
    readonly app: FastifyInstance,
    readonly name: ActorName | string,
  ) {}

  /** A fresh session for a staff member or a patron (the old one, if any, stays valid). */
  async signIn(ctx: Pick<TestContext, 'database' | 'clock'>, kind: 'staff' | 'patron', id: string) {
    const token = newSecretToken();
    const now = ctx.clock.now();
    await insertSession(ctx.database.db, {
      idHash: sha256(token),
      principalKind: kind,
      principalId: id,
      createdAt: now,
      lastSeenAt: now,
      ip: this.ip,
      userAgent: 'probe',
    });
    this.session = token;
    return this;
  }

  /** Loads a page with a form and keeps its CSRF cookie and token. */
  async loadCsrf(from = this.session ? '/aide' : '/connexion'): Promise<this> {
    const res = await this.app.inject({ method: 'GET', url: from, headers: this.headers() });
    const cookie = res.cookies.find((c) => c.name === 'sesame_csrf');
    if (cookie) this.csrfCookie = cookie.value;
    const m = /name="_csrf" value="([^"]+)"/.exec(res.body);
    if (!m) throw new Error(`probe: no CSRF token in ${from} (${res.statusCode}) for ${this.name}`);
    this.csrfToken = m[1]!;
    return this;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    const cookies: string[] = [];
    if (this.session) cookies.push(`${SESSION_COOKIE}=${encodeURIComponent(this.session)}`);
    if (this.csrfCookie) cookies.push(`sesame_csrf=${encodeURIComponent(this.csrfCookie)}`);
    return cookies.length ? { cookie: cookies.join('; '), ...extra } : extra;
  }

  get(url: string): Promise<LightMyRequestResponse> {
    return this.app.inject({ method: 'GET', url, headers: this.headers(), remoteAddress: this.ip });
  }

  /** Posts a form; the CSRF token is added unless `csrf` is null (or replaced by `csrf`). */
  post(url: string, form: Form = {}, options: { csrf?: string | null } = {}) {
    const token = options.csrf === null ? undefined : (options.csrf ?? this.csrfToken);
    const body = new URLSearchParams();
    if (token) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const one of [v].flat()) body.append(k, one);
    return this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: this.headers({ 'content-type': 'application/x-www-form-urlencoded' }),
      remoteAddress: this.ip,
    });
  }
}
