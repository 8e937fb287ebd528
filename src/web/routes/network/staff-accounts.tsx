import type { FastifyInstance } from 'fastify';
import type { RouteOptions } from '../../app.js';

// Placeholder replaced in the next commit.
export async function staffAccountRoutes(_app: FastifyInstance, _options: RouteOptions): Promise<void> {}
