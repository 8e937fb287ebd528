import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('SIP2 configuration', () => {
  it('is off unless SIP2_PORT is set', () => {
    expect(loadConfig({}).sip2).toBeNull();
  });

  it('needs a certificate and key, or plain TCP said on purpose', () => {
    expect(() => loadConfig({ SIP2_PORT: '6001' })).toThrow(/SIP2_TLS_CERT/);
    expect(loadConfig({ SIP2_PORT: '6001', SIP2_ALLOW_PLAIN: 'true' }).sip2).toEqual({
      port: 6001,
      host: '127.0.0.1',
      tlsCert: undefined,
      tlsKey: undefined,
    });
    expect(
      loadConfig({
        SIP2_PORT: '6001',
        SIP2_TLS_CERT: '/etc/sip2.crt',
        SIP2_TLS_KEY: '/etc/sip2.key',
        HOST: '0.0.0.0',
      }).sip2,
    ).toEqual({ port: 6001, host: '0.0.0.0', tlsCert: '/etc/sip2.crt', tlsKey: '/etc/sip2.key' });
  });

  it.each([
    [{ SIP2_PORT: 'abc', SIP2_ALLOW_PLAIN: 'true' }, 'SIP2_PORT'],
    [{ SIP2_PORT: '70000', SIP2_ALLOW_PLAIN: 'true' }, 'SIP2_PORT'],
    [{ SIP2_PORT: '6001', SIP2_TLS_CERT: '/etc/sip2.crt' }, 'SIP2_TLS_KEY'],
    [{ SIP2_PORT: '6001', SIP2_ALLOW_PLAIN: 'peut-être' }, 'SIP2_ALLOW_PLAIN'],
  ])('refuses %o naming %s', (env, variable) => {
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe(variable);
    }
  });
});
