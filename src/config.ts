import { resolve } from 'node:path';
import { z } from 'zod';
import { PROFILES, type ProfileName } from './domain/settings.js';

/** Typed configuration, read once from the environment at startup. */
export interface Config {
  port: number;
  host: string;
  baseUrl: string;
  /** Cookies get the Secure flag when the public URL is https. */
  secureCookies: boolean;
  dataDir: string;
  databaseUrl: string | undefined;
  /** PostgreSQL: a statement running longer is cancelled and its request answered 503 (0: never). */
  databaseStatementTimeoutMs: number;
  smtpUrl: string | undefined;
  profile: ProfileName;
  demo: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Background sweeps (mail sending, lapses…); tests turn them off and drive them by hand. */
  scheduler: boolean;
  /** Behind a load balancer: trust X-Forwarded-For for client addresses (rate limits). */
  trustProxy: boolean;
  /** When set, /metrics answers only requests with `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** `auto`: readable lines on a terminal, JSON otherwise. */
  logFormat: 'auto' | 'json' | 'pretty';
  /** The SIP2 server for providers: off (null) unless SIP2_PORT is set; TLS unless plain is allowed. */
  sip2: { port: number; host: string; tlsCert: string | undefined; tlsKey: string | undefined } | null;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

const booleanText = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['1', '0', 'true', 'false', 'yes', 'no', 'oui', 'non', 'on', 'off'].includes(v), {
    message: 'attendu true ou false',
  })
  .transform((v) => ['1', 'true', 'yes', 'oui', 'on'].includes(v));

const fields = {
  PORT: z.coerce
    .number({ message: 'doit être un nombre entier entre 1 et 65535' })
    .int('doit être un nombre entier entre 1 et 65535')
    .min(0, 'doit être un nombre entier entre 1 et 65535')
    .max(65535, 'doit être un nombre entier entre 1 et 65535'),
  HOST: z.string().trim().min(1, 'ne peut pas être vide'),
  BASE_URL: z
    .url({
      protocol: /^https?$/,
      message: 'doit être une URL http:// ou https:// (ex. https://numerique.exemple.fr)',
    })
    .transform((v) => v.replace(/\/+$/, '')),
  DATA_DIR: z.string().trim().min(1, 'ne peut pas être vide'),
  DATABASE_URL: z.url({
    protocol: /^postgres(ql)?$/,
    message: 'doit être une URL postgres://utilisateur@hôte:port/base',
  }),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce
    .number({ message: 'doit être un nombre entier de millisecondes (0 : aucune limite)' })
    .int('doit être un nombre entier de millisecondes (0 : aucune limite)')
    .min(0, 'doit être un nombre entier de millisecondes (0 : aucune limite)')
    .max(2_147_483_647, 'doit être au plus 2147483647 (environ 24 jours)'),
  SMTP_URL: z.url({ protocol: /^smtps?$/, message: 'doit être une URL smtp:// ou smtps://' }),
  SESAME_PROFILE: z.enum(Object.keys(PROFILES) as [ProfileName, ...ProfileName[]], {
    message: `profil inconnu, valeurs possibles : ${Object.keys(PROFILES).join(', ')}`,
  }),
  SESAME_DEMO: booleanText,
  SESAME_SCHEDULER: booleanText,
  TRUST_PROXY: booleanText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    message: 'valeurs possibles : fatal, error, warn, info, debug, trace, silent',
  }),
  METRICS_TOKEN: z
    .string()
    .trim()
    .regex(/^[\x21-\x7e]{16,}$/, 'au moins 16 caractères visibles, sans espace (ex. openssl rand -hex 24)'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty'], { message: 'valeurs possibles : auto, json, pretty' }),
  SIP2_PORT: z.coerce
    .number({ message: 'doit être un nombre entier entre 1 et 65535' })
    .int('doit être un nombre entier entre 1 et 65535')
    .min(0, 'doit être un nombre entier entre 1 et 65535')
    .max(65535, 'doit être un nombre entier entre 1 et 65535'),
  SIP2_HOST: z.string().trim().min(1, 'ne peut pas être vide'),
  SIP2_TLS_CERT: z.string().trim().min(1, 'ne peut pas être vide'),
  SIP2_TLS_KEY: z.string().trim().min(1, 'ne peut pas être vide'),
  SIP2_ALLOW_PLAIN: booleanText,
} as const;

type Env = Record<string, string | undefined>;

function read<K extends keyof typeof fields>(env: Env, name: K): z.output<(typeof fields)[K]> | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const parsed = fields[name].safeParse(raw);
  if (!parsed.success) throw new ConfigError(name, parsed.error.issues[0]?.message ?? 'valeur invalide');
  return parsed.data as z.output<(typeof fields)[K]>;
}

/** Parses the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const port = read(env, 'PORT') ?? 3000;
  const host = read(env, 'HOST') ?? '127.0.0.1';
  const baseUrl = read(env, 'BASE_URL') ?? `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  const databaseUrl = read(env, 'DATABASE_URL');
  return {
    sip2: sip2Config(env, host),
    port,
    host,
    baseUrl,
    secureCookies: baseUrl.startsWith('https://'),
    dataDir: resolve(read(env, 'DATA_DIR') ?? './data'),
    databaseUrl,
    databaseStatementTimeoutMs: read(env, 'DATABASE_STATEMENT_TIMEOUT_MS') ?? 15_000,
    smtpUrl: read(env, 'SMTP_URL'),
    profile: read(env, 'SESAME_PROFILE') ?? 'numos',
    // The demo network is for trying Sésame on a laptop, never for a shared PostgreSQL unless asked.
    demo: read(env, 'SESAME_DEMO') ?? databaseUrl === undefined,
    logLevel: read(env, 'LOG_LEVEL') ?? 'info',
    scheduler: read(env, 'SESAME_SCHEDULER') ?? true,
    trustProxy: read(env, 'TRUST_PROXY') ?? false,
    metricsToken: read(env, 'METRICS_TOKEN'),
    logFormat: read(env, 'LOG_FORMAT') ?? 'auto',
  };
}

/** SIP2 carries patrons' passwords: TLS unless the administrator says plain TCP on purpose. */
function sip2Config(env: Env, host: string): Config['sip2'] {
  const port = read(env, 'SIP2_PORT');
  const tlsCert = read(env, 'SIP2_TLS_CERT');
  const tlsKey = read(env, 'SIP2_TLS_KEY');
  const allowPlain = read(env, 'SIP2_ALLOW_PLAIN') ?? false;
  if (port === undefined) return null;
  if (Boolean(tlsCert) !== Boolean(tlsKey))
    throw new ConfigError(
      tlsCert ? 'SIP2_TLS_KEY' : 'SIP2_TLS_CERT',
      'le certificat et sa clé vont ensemble',
    );
  if (!tlsCert && !allowPlain)
    throw new ConfigError(
      'SIP2_TLS_CERT',
      'le serveur SIP2 chiffre ses échanges : donnez SIP2_TLS_CERT et SIP2_TLS_KEY, ou SIP2_ALLOW_PLAIN=true pour du TCP en clair',
    );
  return { port, host: read(env, 'SIP2_HOST') ?? host, tlsCert, tlsKey };
}
