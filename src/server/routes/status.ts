import type { FastifyInstance } from 'fastify';
import type { LindaApi } from '../engine-api.js';

/** `GET /status` (authenticated): the engine snapshot `linda status` prints. */
export function registerStatusRoutes(app: FastifyInstance, linda: LindaApi): void {
  app.get('/status', async () => linda.status());
}

/** `GET /health` (open): liveness for load balancers; says nothing about accounts. */
export function registerHealthRoute(app: FastifyInstance): void {
  app.get('/health', async () => ({ ok: true }));
}
