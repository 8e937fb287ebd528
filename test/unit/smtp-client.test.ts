import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { SmtpClient } from '../../src/mail/smtp-client.js';

interface Relay {
  url: string;
  /** One entry per message accepted: its recipients and its text. */
  accepted: { to: string; data: string }[];
  sessions(): number;
  close(): Promise<void>;
}

/** A real SMTP server with the behaviour a test gives it. */
async function startRelay(options: Partial<SMTPServerOptions> = {}): Promise<Relay> {
  const accepted: Relay['accepted'] = [];
  let sessions = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      sessions++;
      callback();
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => {
        data += chunk.toString('utf8');
      });
      stream.on('end', () => {
        accepted.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), data });
        callback();
      });
    },
    ...options,
  });
  // A client that gives up on the TLS handshake is an 'error' of the relay's, not of the test.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted,
    sessions: () => sessions,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const timeouts = { connectionTimeoutMs: 2_000, greetingTimeoutMs: 2_000, socketTimeoutMs: 5_000 };
const message = (n: number) => `Subject: Essai ${n}\r\n\r\nBonjour ${n}\r\n`;
const envelope = (to: string) => ({ from: 'ne-pas-repondre@exemple.fr', to: [to] });

let relay: Relay | undefined;
let client: SmtpClient | undefined;
afterEach(async () => {
  client?.close();
  await relay?.close();
  relay = undefined;
  client = undefined;
});

describe('SMTP client (one kept-alive session)', () => {
  it('sends messages in order over one session, and opens a new one after maxMessages', async () => {
    relay = await startRelay();
    client = new SmtpClient({ url: relay.url, maxMessages: 2, ...timeouts });
    // Sent at once: they still go one after another, in order.
    await Promise.all(
      [1, 2, 3, 4, 5].map((n) => client!.send(envelope(`usager${n}@exemple.fr`), message(n))),
    );
    expect(relay.accepted.map((m) => m.to)).toEqual([1, 2, 3, 4, 5].map((n) => `usager${n}@exemple.fr`));
    expect(relay.accepted[2]!.data).toContain('Bonjour 3');
    expect(relay.sessions()).toBe(3);
  });

  it('reports a refused recipient and goes on with the next message on the same session', async () => {
    relay = await startRelay({
      onRcptTo(address, _session, callback) {
        if (address.address.startsWith('inconnu'))
          return callback(Object.assign(new Error('Boîte inconnue'), { responseCode: 550 }));
        callback();
      },
    });
    client = new SmtpClient({ url: relay.url, maxMessages: 100, ...timeouts });
    await client.send(envelope('usager1@exemple.fr'), message(1));
    await expect(client.send(envelope('inconnu@exemple.fr'), message(2))).rejects.toMatchObject({
      responseCode: 550,
    });
    await client.send(envelope('usager3@exemple.fr'), message(3));
    expect(relay.accepted.map((m) => m.to)).toEqual(['usager1@exemple.fr', 'usager3@exemple.fr']);
    expect(relay.sessions()).toBe(1);
  });

  it('sends once, on a new session, a message whose kept-alive session the relay had closed', async () => {
    let mailFrom = 0;
    relay = await startRelay({
      onMailFrom(_address, _session, callback) {
        mailFrom++;
        // The second message finds the session closing: 421, nothing of it was taken.
        if (mailFrom === 2)
          return callback(Object.assign(new Error('Fermeture de la session'), { responseCode: 421 }));
        callback();
      },
    });
    client = new SmtpClient({ url: relay.url, maxMessages: 100, ...timeouts });
    await client.send(envelope('usager1@exemple.fr'), message(1));
    await client.send(envelope('usager2@exemple.fr'), message(2));
    expect(relay.accepted.map((m) => m.to)).toEqual(['usager1@exemple.fr', 'usager2@exemple.fr']);
    expect(relay.sessions()).toBe(2);
  });

  it('does not retry a message refused on a session that had sent nothing yet', async () => {
    let mailFrom = 0;
    relay = await startRelay({
      onMailFrom(_address, _session, callback) {
        mailFrom++;
        callback(Object.assign(new Error('Service indisponible'), { responseCode: 421 }));
      },
    });
    client = new SmtpClient({ url: relay.url, maxMessages: 100, ...timeouts });
    await expect(client.send(envelope('usager1@exemple.fr'), message(1))).rejects.toMatchObject({
      responseCode: 421,
    });
    expect(mailFrom).toBe(1);
    expect(relay.sessions()).toBe(1);
  });

  it('sends nothing once closed while its session was opening', async () => {
    relay = await startRelay();
    client = new SmtpClient({ url: relay.url, maxMessages: 100, ...timeouts });
    const sending = client.send(envelope('usager1@exemple.fr'), message(1));
    client.close();
    await expect(sending).rejects.toThrow('closed');
    expect(relay.accepted).toHaveLength(0);
  });

  it('does not send twice a message the relay may have taken before the session ended', async () => {
    let messages = 0;
    relay = await startRelay({
      onData(stream, _session, callback) {
        messages++;
        const n = messages;
        stream.on('data', () => {});
        stream.on('end', () =>
          // The second message was read whole, then the session ended: it may have been taken.
          n === 2 ? callback(Object.assign(new Error('Fermeture'), { responseCode: 421 })) : callback(),
        );
      },
    });
    client = new SmtpClient({ url: relay.url, maxMessages: 100, ...timeouts });
    await client.send(envelope('usager1@exemple.fr'), message(1));
    await expect(client.send(envelope('usager2@exemple.fr'), message(2))).rejects.toMatchObject({
      responseCode: 421,
    });
    // Not sent again by the client: the outbox retries it later, knowing it may be a duplicate.
    expect(messages).toBe(2);
    await client.send(envelope('usager3@exemple.fr'), message(3));
    expect(messages).toBe(3);
    expect(relay.sessions()).toBe(2);
  });

  it('logs in with the credentials of the URL, and reports a wrong password', async () => {
    const relayOptions: Partial<SMTPServerOptions> = {
      authOptional: false,
      allowInsecureAuth: true,
      onAuth(auth, _session, callback) {
        if (auth.username === 'sesame' && auth.password === 'mot de passe')
          return callback(null, { user: auth.username });
        callback(new Error('Identifiants refusés'));
      },
    };
    relay = await startRelay(relayOptions);
    const url = new URL(relay.url);
    url.username = 'sesame';
    url.password = 'mot de passe';
    client = new SmtpClient({ url: url.toString(), maxMessages: 100, ...timeouts });
    await client.send(envelope('usager1@exemple.fr'), message(1));
    expect(relay.accepted.map((m) => m.to)).toEqual(['usager1@exemple.fr']);
    client.close();

    url.password = 'faux';
    client = new SmtpClient({ url: url.toString(), maxMessages: 100, ...timeouts });
    await expect(client.send(envelope('usager2@exemple.fr'), message(2))).rejects.toMatchObject({
      code: 'EAUTH',
    });
    expect(relay.accepted).toHaveLength(1);
  });

  it('fails a send to a relay that stops answering, after the socket timeout', async () => {
    relay = await startRelay({
      onData(stream) {
        // Reads the message and never answers.
        stream.on('data', () => {});
      },
    });
    client = new SmtpClient({ url: relay.url, maxMessages: 100, ...timeouts, socketTimeoutMs: 300 });
    const started = Date.now();
    await expect(client.send(envelope('usager1@exemple.fr'), message(1))).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('speaks TLS from the start with smtps://, taking tls.* options from the URL', async () => {
    // smtp-server's own self-signed certificate: accepted here only because the URL says so.
    relay = await startRelay({ secure: true });
    const url = `${relay.url.replace('smtp://', 'smtps://')}?tls.rejectUnauthorized=false`;
    client = new SmtpClient({ url, maxMessages: 100, ...timeouts });
    await client.send(envelope('usager1@exemple.fr'), message(1));
    expect(relay.accepted.map((m) => m.to)).toEqual(['usager1@exemple.fr']);
    client.close();
    client = new SmtpClient({ url: relay.url.replace('smtp://', 'smtps://'), maxMessages: 100, ...timeouts });
    await expect(client.send(envelope('usager2@exemple.fr'), message(2))).rejects.toThrow(/certificate/i);
  });

  it('refuses messages once closed', async () => {
    relay = await startRelay();
    client = new SmtpClient({ url: relay.url, maxMessages: 100, ...timeouts });
    await client.send(envelope('usager1@exemple.fr'), message(1));
    client.close();
    await expect(client.send(envelope('usager2@exemple.fr'), message(2))).rejects.toThrow('closed');
    expect(relay.accepted).toHaveLength(1);
  });
});
