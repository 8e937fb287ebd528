import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffActor } from '../../../domain/actor.js';
import type { AppDeps, RouteOptions } from '../../app.js';
import type { FieldErrors, FormValues } from '../../views/components/forms.js';

/**
 * Renders the patron's record page (tabs Informations / Statut / Ressources, history, decision
 * panel). Exported so that a failed decision POST re-renders the same page with its messages.
 */
export async function renderPatronRecord(
  _request: FastifyRequest,
  reply: FastifyReply,
  _deps: AppDeps,
  _actor: StaffActor,
  _patronId: string,
  _options: { decision?: { values?: FormValues; errors?: FieldErrors }; status?: number } = {},
): Promise<FastifyReply> {
  return reply;
}

export async function patronRecordRoutes(_app: FastifyInstance, _options: RouteOptions): Promise<void> {}
