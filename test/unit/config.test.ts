import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('gives the documented defaults on an empty environment', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('127.0.0.1');
    expect(c.baseUrl).toBe('http://127.0.0.1:3000');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.profile).toBe('numos');
    expect(c.demo).toBe(true);
    expect(c.secureCookies).toBe(false);
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(c.metricsToken).toBeUndefined();
    expect(c.logFormat).toBe('auto');
  });

  it('turns the demo off by default on PostgreSQL and reads every variable', () => {
    const c = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      BASE_URL: 'https://numerique.exemple.fr/',
      DATABASE_URL: 'postgres://sesame@db.exemple.fr:5432/sesame',
      SMTP_URL: 'smtp://relais.exemple.fr:25',
      SESAME_PROFILE: 'mdo',
      LOG_LEVEL: 'warn',
      METRICS_TOKEN: '0123456789abcdef0123',
      LOG_FORMAT: 'json',
    });
    expect(c).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      baseUrl: 'https://numerique.exemple.fr',
      secureCookies: true,
      databaseUrl: 'postgres://sesame@db.exemple.fr:5432/sesame',
      smtpUrl: 'smtp://relais.exemple.fr:25',
      profile: 'mdo',
      demo: false,
      logLevel: 'warn',
      metricsToken: '0123456789abcdef0123',
      logFormat: 'json',
    });
    expect(loadConfig({ DATABASE_URL: 'postgresql://x@h/db', SESAME_DEMO: 'oui' }).demo).toBe(true);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '3.5'],
    ['DATABASE_URL', 'mysql://root@localhost/db'],
    ['DATABASE_URL', 'pas une url'],
    ['BASE_URL', 'ftp://exemple.fr'],
    ['SMTP_URL', 'http://relais'],
    ['SESAME_PROFILE', 'paris'],
    ['SESAME_DEMO', 'peut-être'],
    ['LOG_LEVEL', 'bavard'],
    ['METRICS_TOKEN', 'court'],
    ['METRICS_TOKEN', 'un jeton avec des espaces'],
    ['LOG_FORMAT', 'joli'],
  ])('refuses %s=%s with an error naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as ConfigError).message.startsWith(`${name}: `)).toBe(true);
    expect((error as ConfigError).message).not.toContain('\n');
  });
});
