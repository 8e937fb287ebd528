import type Provider from 'oidc-provider';
import type { JWK } from 'oidc-provider';
import type { Db } from '../../db/client.js';
import { newestOidcKid } from '../../db/repositories/oidc.js';
import { loadOidcProvider } from './load.js';
import { createOidcProvider, type OidcSetup } from './provider.js';

/** How often a running server looks for a key rotated by the command line. */
const KEY_CHECK_MS = 30_000;

/**
 * The provider of a running server. The command line rotates keys in the database (itself, or
 * through the server on the embedded database): the server sees the new newest key at its next
 * check (every 30 s, and on every discovery or JWKS request) and rebuilds the provider with
 * the keys; nothing else is held in memory (sessions, codes and tokens are in the database).
 */
export class OidcHost {
  private provider: Provider;
  private callback: ReturnType<Provider['callback']>;
  private kid: string | undefined;
  private checkedAt = Date.now();

  constructor(
    private readonly ProviderClass: typeof Provider,
    private readonly setup: Omit<OidcSetup, 'keys'>,
    private readonly loadKeys: () => Promise<JWK[]>,
    keys: JWK[],
  ) {
    this.provider = createOidcProvider(ProviderClass, { ...setup, keys });
    this.callback = this.provider.callback();
    this.kid = keys[0]?.kid;
  }

  static async start(setup: Omit<OidcSetup, 'keys'>, loadKeys: () => Promise<JWK[]>): Promise<OidcHost> {
    const { default: ProviderClass } = await loadOidcProvider();
    return new OidcHost(ProviderClass, setup, loadKeys, await loadKeys());
  }

  /** The provider, rebuilt first if a newer key was stored since the last check. */
  async current(force = false): Promise<{ provider: Provider; callback: ReturnType<Provider['callback']> }> {
    if (force || Date.now() - this.checkedAt > KEY_CHECK_MS) {
      this.checkedAt = Date.now();
      const newest = await newestOidcKid(this.setup.db as Db);
      if (newest && newest !== this.kid) {
        const keys = await this.loadKeys();
        this.provider = createOidcProvider(this.ProviderClass, { ...this.setup, keys });
        this.callback = this.provider.callback();
        this.kid = keys[0]?.kid;
      }
    }
    return { provider: this.provider, callback: this.callback };
  }
}
