import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('DATABASE_STATEMENT_TIMEOUT_MS', () => {
  it('defaults to 15 s and reads milliseconds, 0 meaning no limit', () => {
    expect(loadConfig({}).databaseStatementTimeoutMs).toBe(15_000);
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '2500' }).databaseStatementTimeoutMs).toBe(2500);
    expect(loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: '0' }).databaseStatementTimeoutMs).toBe(0);
  });

  it.each(['-1', '1.5', 'quinze', '9999999999'])('refuses %s naming the variable', (value) => {
    expect(() => loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: value })).toThrow(ConfigError);
    try {
      loadConfig({ DATABASE_STATEMENT_TIMEOUT_MS: value });
    } catch (error) {
      expect((error as ConfigError).variable).toBe('DATABASE_STATEMENT_TIMEOUT_MS');
    }
  });
});
