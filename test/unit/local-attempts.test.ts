import { describe, expect, it } from 'vitest';
import { LocalAttemptCounter } from '../../src/security/local-attempts.js';

describe('LocalAttemptCounter', () => {
  it('counts the attempts of a key within its window, then starts again', () => {
    const counter = new LocalAttemptCounter(1000);
    expect(counter.count('ip:a', 0)).toBe(1);
    expect(counter.count('ip:a', 400)).toBe(2);
    expect(counter.count('ip:b', 500)).toBe(1);
    expect(counter.count('ip:a', 999)).toBe(3);
    // The window is fixed from its first attempt: a new one begins at 1000.
    expect(counter.count('ip:a', 1000)).toBe(1);
    expect(counter.count('ip:b', 1200)).toBe(2);
    expect(counter.count('ip:b', 1500)).toBe(1);
  });

  it('keeps at most maxKeys keys, dropping windows that are over, then the oldest', () => {
    const counter = new LocalAttemptCounter(1000, 3);
    counter.count('old', 0);
    counter.count('a', 600);
    counter.count('b', 700);
    // 'old' is over at 1100 and goes first; the three others fit.
    expect(counter.count('c', 1100)).toBe(1);
    expect(counter.count('a', 1200)).toBe(2);
    // Full of live windows: the oldest ('a', started at 600) is dropped for 'd'.
    expect(counter.count('d', 1300)).toBe(1);
    expect(counter.count('a', 1400)).toBe(1);
    expect(counter.count('c', 1500)).toBe(2);
  });
});
