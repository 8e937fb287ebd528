import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { ConfigError, loadConfig } from './config.js';
import {
  ACCOUNT_COMMANDS,
  CommandError,
  checkAccountArgs,
  isAccountCommand,
  runAccountCommand,
} from './control/account-commands.js';
import { askServer, ControlUnavailable } from './control/channel.js';
import { DataDirBusyError, type LockHolder, liveHolder } from './db/data-dir-lock.js';
import { systemClock } from './domain/clock.js';
import { DomainError, ValidationError } from './domain/errors.js';
import { importSummary } from './domain/library-csv.js';
import { createScheduler } from './jobs/scheduler.js';
import { SWEEPS } from './jobs/sweeps.js';
import { prepareDatabase } from './startup.js';
import { importLibraries } from './usecases/network/import-libraries.js';

const USAGE = `Utilisation : npm run sesame -- <commande> [arguments]

Commandes :
  migrate                               applique les migrations de la base de données
  demo                                  crée le réseau de démonstration (base vide seulement)
  create-admin <identifiant> <courriel> [nom]
                                        crée un administrateur du réseau et affiche son lien
                                        « Définissez votre mot de passe » (jamais de mot de passe)
  password-link <identifiant>           affiche un nouveau lien pour choisir un mot de passe
  oidc-rotate-keys                      crée une nouvelle clé de signature OpenID Connect
                                        (les anciennes restent publiées le temps de vérifier)
  import-libraries <fichier.csv>        importe ou met à jour les bibliothèques
                                        (colonnes code, nom, ville, courriel ; séparateur ; ou ,)
  jobs list                             liste les tâches planifiées
  jobs run <nom>                        exécute une tâche planifiée maintenant

Avec la base embarquée (sans DATABASE_URL), create-admin, password-link et oidc-rotate-keys fonctionnent aussi
pendant que le serveur tourne : c’est lui qui crée le compte ou le lien. Les autres commandes
attendent qu’il soit arrêté.
`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const clock = systemClock;

  const known = [
    'migrate',
    'demo',
    'create-admin',
    'password-link',
    'oidc-rotate-keys',
    'import-libraries',
    'jobs',
  ];
  if (!known.includes(command)) throw new UsageError(`Commande inconnue : ${command}`);
  if (command === 'jobs' && args[0] === 'list') {
    for (const s of SWEEPS) console.log(`${s.name.padEnd(16)} ${s.description}`);
    return 0;
  }
  validateArgs(command, args);

  // The embedded database opens in one process only: while a server holds it, ask the server.
  const holder = config.databaseUrl ? null : liveHolder(config.dataDir);
  if (holder) return viaServer(config.dataDir, holder, command, args);

  const { database, demo, lock } = await prepareDatabase(config, clock, { demo: command === 'demo' });
  const deps = { db: database.db, clock, baseUrl: config.baseUrl };
  try {
    switch (command) {
      case 'migrate':
        console.log('Migrations appliquées.');
        return 0;
      case 'demo':
        if (!demo)
          console.log('Un administrateur existe déjà : le réseau de démonstration n’est pas recréé.');
        else
          console.log(
            `Réseau de démonstration créé.\n  admin : ${demo.admin.url}\n  ${demo.librarian.identifier} (${demo.librarian.library}) : ${demo.librarian.url}`,
          );
        return 0;
      case 'create-admin':
      case 'password-link':
      case 'oidc-rotate-keys':
        console.log(await runAccountCommand(deps, command, args));
        return 0;
      case 'import-libraries': {
        const content = await readFile(args[0]!).catch(() => {
          throw new UsageError(`Fichier introuvable ou illisible : ${args[0]}`);
        });
        const report = await importLibraries(deps, null, content);
        if (!report.ok) {
          console.error(`Aucune bibliothèque importée : ${report.errors.length} ligne(s) en erreur.`);
          for (const e of report.errors) console.error(`  ligne ${e.line} : ${e.message}`);
          return 1;
        }
        console.log(importSummary(report));
        return 0;
      }
      case 'jobs': {
        const scheduler = createScheduler({
          database,
          clock,
          config,
          log: pino({ level: config.logLevel === 'info' ? 'warn' : config.logLevel }),
        });
        const outcome = await scheduler.run(args[1]!);
        await scheduler.stop();
        if (outcome.status === 'skipped') console.log(`${args[1]} : déjà en cours sur une autre instance.`);
        else if (outcome.status === 'error') {
          console.error(`${args[1]} : échec — ${outcome.error}`);
          return 1;
        } else
          console.log(
            `${args[1]} : terminé (${Object.entries(outcome.counts)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')}).`,
          );
        return 0;
      }
    }
    return 2;
  } finally {
    await database.close();
    lock?.release();
  }
}

/** Runs an account command in the server that holds the embedded database, or says why not. */
async function viaServer(
  dataDir: string,
  holder: LockHolder,
  command: string,
  args: string[],
): Promise<number> {
  if (!holder.socket) throw new DataDirBusyError(dataDir, holder);
  if (!isAccountCommand(command)) {
    console.error(
      `« ${command} » a besoin de la base embarquée ${dataDir}, ouverte en ce moment par le serveur Sésame (processus ${holder.pid}). Arrêtez le serveur (Ctrl+C dans son terminal), lancez la commande, puis relancez npm start. Pendant que le serveur tourne, seules ${ACCOUNT_COMMANDS.join(' et ')} sont possibles.`,
    );
    return 1;
  }
  try {
    const reply = await askServer(holder, command, args);
    if (reply.ok) console.log(reply.text);
    else console.error(reply.text);
    return reply.ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof ControlUnavailable)) throw error;
    console.error(
      `Le serveur Sésame (processus ${holder.pid}) qui tient la base embarquée ${dataDir} ne répond pas : il est peut-être en train de démarrer. Réessayez dans un instant ; s’il est bloqué, arrêtez-le (kill ${holder.pid}) puis relancez la commande.`,
    );
    return 1;
  }
}

function validateArgs(command: string, args: string[]): void {
  if (isAccountCommand(command)) {
    try {
      checkAccountArgs(command, args);
    } catch (error) {
      throw error instanceof CommandError ? new UsageError(error.message) : error;
    }
  }
  if (command === 'import-libraries' && args.length !== 1)
    throw new UsageError('import-libraries attend le chemin d’un fichier CSV.');
  if (command === 'jobs') {
    if (args[0] !== 'run' || !args[1]) throw new UsageError('jobs attend « list » ou « run <nom> ».');
    if (!SWEEPS.some((s) => s.name === args[1]))
      throw new UsageError(`Tâche inconnue : ${args[1]}. Tâches : ${SWEEPS.map((s) => s.name).join(', ')}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    if (error instanceof ConfigError) console.error(`Configuration invalide — ${error.message}`);
    else if (error instanceof DataDirBusyError) console.error(`Commande impossible : ${error.message}`);
    else if (error instanceof ValidationError) console.error(Object.values(error.fieldErrors).join('\n'));
    else if (error instanceof DomainError) console.error(error.message);
    else console.error(`Erreur : ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
