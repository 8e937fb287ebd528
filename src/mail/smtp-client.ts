import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';

export interface SmtpClientOptions {
  /** smtp://user:pass@host:port or smtps://…, with nodemailer's query options (tls.*). */
  url: string;
  /** Messages per session before a new one: relays limit them, and a fresh session is cheap. */
  maxMessages: number;
  connectionTimeoutMs: number;
  greetingTimeoutMs: number;
  /** A silent socket for this long ends the session: a hung send fails, an idle one closes. */
  socketTimeoutMs: number;
}

interface Session {
  connection: SMTPConnection;
  sent: number;
  /** Closed by either side, or failed: the next message opens a new session. */
  dead: boolean;
}

/**
 * The message as SMTPConnection takes it, remembering whether it was asked for: SMTPConnection
 * pipes a message only once the relay has accepted the envelope. (A Readable would tell the
 * same through readableDidRead, for a tenth of a millisecond more per e-mail.)
 */
class HandedOver {
  handedOver = false;
  constructor(private readonly message: string) {}
  pipe<T extends NodeJS.WritableStream>(destination: T): T {
    this.handedOver = true;
    destination.write(this.message);
    destination.end();
    return destination;
  }
}

/**
 * One exchange with the relay (connect, login, send, reset), settled by its callback, or by the
 * session failing or closing first: SMTPConnection reports some failures (a TLS handshake
 * refused, a socket that dies while connecting) only as an 'error' event.
 */
function step(session: Session, start: (done: (error?: Error | null) => void) => void): Promise<void> {
  const { connection } = session;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error | null) => {
      if (settled) return;
      settled = true;
      connection.off('error', finish);
      connection.off('end', ended);
      if (error) reject(error);
      else resolve();
    };
    // Deferred a turn: on a 421 SMTPConnection closes first, then gives the command its error
    // (the relay's words, which the outbox keeps), and that error is the one to report.
    const ended = () =>
      setImmediate(() => finish(Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' })));
    connection.on('error', finish);
    connection.once('end', ended);
    start(finish);
  });
}

type SmtpError = Error & { code?: string; responseCode?: number };

/** The relay ended the session rather than refused what was sent over it (nodemailer's rule). */
const endedSession = (error: SmtpError) =>
  error.responseCode === 421 || ['ECONNECTION', 'ESOCKET', 'ETIMEDOUT'].includes(error.code ?? '');

/**
 * One kept-alive SMTP session, one message at a time, on nodemailer's SMTP protocol
 * implementation (SMTPConnection: STARTTLS, AUTH, dot-stuffing, timeouts). It does what
 * nodemailer's pool with one connection did for Sésame, without the layers above it (the
 * message object, its plugins and its MIME tree), which cost the server twice the CPU of the
 * SMTP exchange itself for a message that is already written.
 *
 * A session the relay closed while idle is replaced at the next message. A message whose
 * session turns out to have been closed before the message was handed over is sent again on a
 * new session (nothing reached the relay); one that may have reached it is reported as failed,
 * and the outbox decides.
 */
export class SmtpClient {
  private session: Session | null = null;
  /** Messages go one after another: the tail of the queue. */
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly connectionOptions: SMTPConnection.Options;
  private readonly auth: { user?: string; pass?: string } | undefined;
  /** From the URL's query, as nodemailer's pool took them: ?authMethod=PLAIN, ?forceAuth=true. */
  private readonly authMethod: string | undefined;
  private readonly forceAuth: boolean;

  constructor(private readonly options: SmtpClientOptions) {
    const { auth, ...fromUrl } = parseConnectionUrl(options.url) as SMTPConnection.Options & {
      auth?: { user?: string; pass?: string };
    };
    this.auth = auth;
    const query = fromUrl as { authMethod?: unknown; forceAuth?: unknown };
    this.authMethod =
      typeof query.authMethod === 'string' ? query.authMethod.trim().toUpperCase() : undefined;
    this.forceAuth = query.forceAuth === true;
    this.connectionOptions = {
      ...fromUrl,
      connectionTimeout: options.connectionTimeoutMs,
      greetingTimeout: options.greetingTimeoutMs,
      socketTimeout: options.socketTimeoutMs,
    };
  }

  /** Hands one written message to the relay; resolves once the relay has accepted it. */
  send(envelope: { from: string; to: string[] }, message: string): Promise<void> {
    const done = this.queue.then(() => this.sendNow(envelope, message));
    this.queue = done.catch(() => {});
    return done;
  }

  /** Ends the session (politely, QUIT); later messages are refused. */
  close(): void {
    this.closed = true;
    const session = this.session;
    this.session = null;
    if (session && !session.dead) {
      session.dead = true;
      session.connection.quit();
    }
  }

  private async sendNow(envelope: { from: string; to: string[] }, message: string): Promise<void> {
    if (this.closed) throw new Error('SMTP client closed');
    const session = await this.openSession();
    if (this.closed) {
      // Closed while this session was opening.
      this.drop(session, 'quit');
      throw new Error('SMTP client closed');
    }
    const reused = session.sent > 0;
    // Counted tried, as nodemailer's pool does: a refused message is one of the session's too.
    session.sent++;
    const body = new HandedOver(message);
    try {
      // A copy of the envelope: SMTPConnection writes its state (refused recipients…) into it.
      const copy = { from: envelope.from, to: [...envelope.to] };
      await step(session, (done) => session.connection.send(copy, body as unknown as string, done));
    } catch (error) {
      const smtpError = error as SmtpError;
      // A refused sender, recipient or message leaves the session usable once reset (RSET);
      // anything else ends it.
      const refused =
        (smtpError.code === 'EENVELOPE' || smtpError.code === 'EMESSAGE') && smtpError.responseCode !== 421;
      if (refused && !session.dead) await this.resetOrDrop(session);
      else this.drop(session, 'close');
      if (reused && endedSession(smtpError) && !body.handedOver)
        // The relay had closed the kept-alive session before this message: nothing was sent.
        return this.sendNow(envelope, message);
      throw error;
    }
    if (session.sent >= this.options.maxMessages) this.drop(session, 'quit');
  }

  private async openSession(): Promise<Session> {
    if (this.session && !this.session.dead) return this.session;
    const connection = new SMTPConnection(this.connectionOptions);
    const session: Session = { connection, sent: 0, dead: false };
    // Without a listener an 'error' (the relay hanging up on an idle session, a timeout) would
    // end the process; the session is simply replaced at the next message.
    connection.on('error', () => {
      session.dead = true;
    });
    connection.once('end', () => {
      session.dead = true;
    });
    try {
      await step(session, (done) => connection.connect(done));
      const auth = this.auth;
      if (auth && (auth.user || auth.pass) && (connection.allowsAuth || this.forceAuth)) {
        const credentials = { user: auth.user ?? '', pass: auth.pass ?? '' };
        const login = { credentials, ...(this.authMethod ? { method: this.authMethod } : {}) };
        await step(session, (done) =>
          connection.login(login as SMTPConnection.AuthenticationCredentials, done),
        );
      }
    } catch (error) {
      this.drop(session, 'close');
      throw error;
    }
    this.session = session;
    return session;
  }

  /** After a refused envelope or message the session can go on, once reset (RSET). */
  private async resetOrDrop(session: Session): Promise<void> {
    const reset = await step(session, (done) => session.connection.reset(done)).then(
      () => true,
      () => false,
    );
    if (!reset) this.drop(session, 'close');
  }

  private drop(session: Session, how: 'quit' | 'close'): void {
    if (this.session === session) this.session = null;
    if (session.dead) return;
    session.dead = true;
    if (how === 'quit') session.connection.quit();
    else session.connection.close();
  }
}
