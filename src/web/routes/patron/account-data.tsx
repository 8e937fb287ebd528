import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { deleteOwnAccount } from '../../../usecases/account/delete-account.js';
import { collectPatronData } from '../../../usecases/account/download-data.js';
import { ownAccount } from '../../../usecases/account/own-account.js';
import { type RouteOptions, SESSION_COOKIE } from '../../app.js';
import { fieldErrorsOf } from '../../form.js';
import { formRoute } from '../../form-route.js';
import { requirePatron } from '../../guards.js';
import { sendPage } from '../../render.js';
import { sessionCookieOptions } from '../../session-cookie.js';
import { ACCOUNT_DELETED_TITLE, AccountDeletedPage } from '../../views/account/account-deleted-page.js';
import { DeleteAccountPage } from '../../views/account/delete-account-page.js';
import { ACCOUNT_URLS } from '../../views/patrons/account-sections.js';
import { dataFile, PatronDataPage } from '../../views/patrons/patron-data.js';

/** "Mon compte", the patron's data (SPEC §5): seeing it, downloading it, deleting the account. */

const deleteSchema = z.object({ password: z.string().max(1024).default('') });

export async function accountDataRoutes(app: FastifyInstance, { deps }: RouteOptions): Promise<void> {
  // ---- My data -----------------------------------------------------------------------------
  app.get(ACCOUNT_URLS.data, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const data = await collectPatronData(deps, actor);
    return sendPage(request, reply, { title: 'Mes données', body: () => <PatronDataPage data={data} /> });
  });

  app.get(ACCOUNT_URLS.dataJson, async (request, reply) => {
    const actor = requirePatron(request, reply);
    if (!actor) return reply;
    const file = dataFile(await collectPatronData(deps, actor));
    return reply
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('cache-control', 'no-store')
      .send(file.content);
  });

  // ---- Account deletion --------------------------------------------------------------------
  formRoute(app, ACCOUNT_URLS.delete, {
    guard: requirePatron,
    schema: deleteSchema,
    page: async (request, reply, actor, refused) => {
      const patron = await ownAccount(deps.db, actor);
      return sendPage(request, reply, {
        title: 'Supprimer mon compte',
        status: refused?.status,
        body: (ctx) => <DeleteAccountPage csrf={ctx.csrf} patron={patron} errors={refused?.errors} />,
      });
    },
    submit: async (data, actor, _request, reply) => {
      await deleteOwnAccount(deps, actor, data);
      reply.clearCookie(SESSION_COOKIE, sessionCookieOptions(deps.config.secureCookies));
      return reply.redirect(ACCOUNT_URLS.deleted, 303);
    },
    errorsOf: fieldErrorsOf,
  });

  // Public: the session is gone by the time this page shows.
  app.get(ACCOUNT_URLS.deleted, async (request, reply) =>
    sendPage(request, reply, { title: ACCOUNT_DELETED_TITLE, body: () => <AccountDeletedPage /> }),
  );
}
