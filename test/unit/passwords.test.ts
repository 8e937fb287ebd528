import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { ARGON2_OPTIONS, hashPassword, needsRehash, verifyPassword } from '../../src/security/passwords.js';

describe('password hashes', () => {
  it('makes argon2id hashes with today’s parameters, which verify and need no rehash', async () => {
    const made = await hashPassword('Un-mot-de-passe-9');
    expect(made).toMatch(/^\$argon2id\$v=19\$m=65536,t=3,p=1\$/);
    expect(await verifyPassword(made, 'Un-mot-de-passe-9')).toBe(true);
    expect(await verifyPassword(made, 'un-mot-de-passe-9')).toBe(false);
    expect(needsRehash(made)).toBe(false);
  });

  it('still verifies a hash made with the older, cheaper parameters, and asks for its rehash', async () => {
    const old = await hash('Un-mot-de-passe-9', { ...ARGON2_OPTIONS, memoryCost: 19_456, timeCost: 2 });
    expect(await verifyPassword(old, 'Un-mot-de-passe-9')).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('asks for a rehash of any other algorithm or of a malformed string, and refuses to verify garbage', async () => {
    const argon2i = await hash('x', { ...ARGON2_OPTIONS, algorithm: 1 });
    expect(needsRehash(argon2i)).toBe(true);
    expect(needsRehash('$2b$12$abcdefghijklmnopqrstuv')).toBe(true);
    expect(needsRehash('')).toBe(true);
    expect(await verifyPassword('pas-un-hash', 'x')).toBe(false);
  });
});
