import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Deps } from '../usecases/deps.js';
import { type Sip2Server, startSip2Server } from './server.js';

/** Starts the SIP2 listener when the configuration asks for one (SIP2_PORT); null otherwise. */
export async function startConfiguredSip2(
  config: Pick<Config, 'sip2'>,
  deps: Deps,
  log: Pick<Logger, 'info' | 'warn'>,
): Promise<Sip2Server | null> {
  const sip2 = config.sip2;
  if (!sip2) return null;
  let tls: { cert: Buffer; key: Buffer } | undefined;
  if (sip2.tlsCert && sip2.tlsKey) {
    try {
      tls = { cert: readFileSync(sip2.tlsCert), key: readFileSync(sip2.tlsKey) };
    } catch (error) {
      throw new Error(
        `SIP2 : certificat ou clé illisible (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  return startSip2Server(deps, { port: sip2.port, host: sip2.host, ...(tls ? { tls } : {}), log });
}
