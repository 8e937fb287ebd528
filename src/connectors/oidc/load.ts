/**
 * oidc-provider, loaded when the app is built (not when a module is imported, so the command
 * line and a refused start never load it). Its import warns on any runtime older than Node 22
 * LTS; Sésame runs on Node 20.19, where its tests pass, so that one line is left out of the
 * server's error output (it read as a fault to whoever watches the logs).
 */
let loaded: Promise<typeof import('oidc-provider')> | undefined;

export function loadOidcProvider(): Promise<typeof import('oidc-provider')> {
  loaded ??= (async () => {
    const warn = console.warn;
    console.warn = (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].includes('oidc-provider WARNING: Unsupported runtime'))
        return;
      warn(...args);
    };
    try {
      return await import('oidc-provider');
    } finally {
      console.warn = warn;
    }
  })();
  return loaded;
}
