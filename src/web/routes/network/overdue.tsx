import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../../app.js';

// Placeholder replaced by its feature.
export async function overdueRoutes(_app: FastifyInstance, _options: RouteOptions): Promise<void> {}
