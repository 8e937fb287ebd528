import { ConfigError, loadConfig } from './config.js';
import { startControlChannel } from './control/channel.js';
import { systemClock } from './domain/clock.js';
import { createScheduler } from './jobs/scheduler.js';
import { startConfiguredSip2 } from './sip2/start.js';
import { prepareDatabase } from './startup.js';
import { buildApp } from './web/app.js';
import { prettyLogStream, wantsPrettyLogs } from './web/log-output.js';
import { createMetrics } from './web/metrics.js';

/** Starts Sésame: database, web server and background sweeps. Nothing else lives here. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`Configuration invalide — ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const clock = systemClock;
  const { database, demo, lock } = await prepareDatabase(config, clock, { serving: true });
  const metrics = createMetrics(database.db);
  const logStream = wantsPrettyLogs(config.logFormat, process.stdout.isTTY) ? prettyLogStream() : undefined;
  const app = await buildApp({ config, database, clock, metrics, ...(logStream ? { logStream } : {}) });
  const scheduler = createScheduler({ database, clock, config, metrics, log: app.log });

  await app.listen({ port: config.port, host: config.host });
  if (config.scheduler) scheduler.start();
  // Off unless SIP2_PORT is set; a certificate that cannot be read stops the start like a bad setting.
  const sip2 = await startConfiguredSip2(
    config,
    { db: database.db, clock, baseUrl: config.baseUrl },
    app.log,
  );
  // On the embedded database no other process may open it: the command line asks this one.
  const control = lock?.holder.socket
    ? await startControlChannel({
        holder: lock.holder,
        deps: { db: database.db, clock, baseUrl: config.baseUrl },
        log: app.log,
      }).catch((error: unknown) => {
        // Serving matters more: without the channel the command line says the server does not answer.
        app.log.warn({ err: error }, 'control channel not opened');
        return null;
      })
    : null;

  const where = config.databaseUrl ? 'PostgreSQL' : `base embarquée (${config.dataDir})`;
  const lines = ['', `Sésame est prêt : ${config.baseUrl}  (${where})`];
  if (demo)
    lines.push(
      '',
      'Réseau de démonstration créé. Aucun mot de passe n’existe encore : choisissez-les avec ces liens (valables 7 jours, une seule fois) :',
      `  Administrateur du réseau « ${demo.admin.identifier} » :`,
      `    ${demo.admin.url}`,
      `  Bibliothèque « ${demo.librarian.library} », identifiant ${demo.librarian.identifier} :`,
      `    ${demo.librarian.url}`,
      '',
      'Les autres courriels (liens des autres bibliothèques) sont dans /admin/courriels.',
    );
  lines.push(
    'Lien perdu ? Dans un autre terminal, Sésame restant lancé : npm run sesame -- password-link admin',
    '',
  );
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await scheduler.stop();
    await sip2?.close();
    await control?.close();
    await app.close();
    await database.close();
    lock?.release();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`Sésame n’a pas pu démarrer : ${message}`);
  process.exit(1);
});
