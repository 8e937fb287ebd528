import diagnostics from 'node:diagnostics_channel';
import type { FastifyInstance, RouteOptions } from 'fastify';

/** One route as the app declared it (HEAD routes Fastify adds for GET are left out). */
export interface DeclaredRoute {
  method: 'GET' | 'POST';
  url: string;
}

/**
 * Runs `build` while listening to Fastify's `fastify.initialization` channel, so every route
 * the app registers is seen by an `onRoute` hook added before the first one: the list comes
 * from the app itself, and a route added tomorrow is in it.
 */
export async function collectingRoutes<T>(
  build: () => Promise<T>,
): Promise<{ result: T; routes: DeclaredRoute[] }> {
  const routes: DeclaredRoute[] = [];
  const listener = (message: unknown) => {
    const { fastify } = message as { fastify: FastifyInstance };
    fastify.addHook('onRoute', (route: RouteOptions) => {
      for (const method of [route.method].flat()) {
        if (method !== 'GET' && method !== 'POST' && method !== 'HEAD')
          throw new Error(`probe: no rule for ${method} ${route.url}; add one in test/helpers/probe/`);
        if (method === 'HEAD') continue;
        routes.push({ method: method as DeclaredRoute['method'], url: route.url });
      }
    });
  };
  diagnostics.subscribe('fastify.initialization', listener);
  try {
    const result = await build();
    return { result, routes };
  } finally {
    diagnostics.unsubscribe('fastify.initialization', listener);
  }
}
