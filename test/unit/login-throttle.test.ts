import { expect, it } from 'vitest';
import { lockDurationMs } from '../../src/domain/login-throttle.js';
import { defaultSettings } from '../../src/domain/settings.js';

const settings = {
  ...defaultSettings('numos'),
  loginFreeAttempts: 5,
  loginLockSeconds: 30,
  loginLockMaxMinutes: 30,
};

it.each([
  [1, 0],
  [4, 0],
  [5, 30_000],
  [6, 60_000],
  [7, 120_000],
  [10, 960_000],
  [11, 1_800_000],
  [50, 1_800_000],
])('after %i failures the account waits %i ms', (failures, ms) => {
  expect(lockDurationMs(failures, settings)).toBe(ms);
});
