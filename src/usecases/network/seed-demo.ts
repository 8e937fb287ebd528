import { insertLibrary } from '../../db/repositories/libraries.js';
import { updateNetwork } from '../../db/repositories/network.js';
import { countActiveAdmins } from '../../db/repositories/staff.js';
import type { Deps } from '../deps.js';
import { seedDemoResources } from '../resources/seed-demo-resources.js';
import { createStaff } from './create-staff.js';
import { seedDemoPatrons } from './seed-demo-patrons.js';

/** Made-up libraries: no real institution, person or address. */
export const DEMO_LIBRARIES = [
  {
    code: '57001',
    name: 'Médiathèque des Tilleuls',
    town: 'Valmont-sur-Orne',
    email: 'tilleuls@bibliotheques.exemple.fr',
  },
  {
    code: '57002',
    name: 'Bibliothèque du Moulin',
    town: 'Saint-Aubin-les-Forges',
    email: 'moulin@bibliotheques.exemple.fr',
  },
  {
    code: '57003',
    name: 'Médiathèque La Passerelle',
    town: 'Hautecourt',
    email: 'passerelle@bibliotheques.exemple.fr',
  },
  {
    code: '57004',
    name: 'Bibliothèque des Trois Rivières',
    town: 'Bourg-Lavande',
    email: 'troisrivieres@bibliotheques.exemple.fr',
  },
  {
    code: '57005',
    name: 'Point lecture de l’Étang',
    town: 'Marville-l’Étang',
    email: 'etang@bibliotheques.exemple.fr',
  },
];

const DEMO_STAFF_NAMES = ['Camille Fontaine', 'Yanis Perrin', 'Léa Marchal', 'Hugo Bastien', 'Inès Collard'];

export interface DemoLinks {
  admin: { identifier: string; url: string };
  librarian: { identifier: string; library: string; url: string };
}

/**
 * Seeds the demo network on an empty database: 5 libraries, one staff account each
 * (identifiers 52xxxxx), one network administrator "admin", a few made-up patrons in every
 * state and a small catalogue. No staff account has a password: the
 * returned set-password links are printed once. Does nothing if any administrator exists.
 */
export async function seedDemo(deps: Deps): Promise<DemoLinks | null> {
  if ((await countActiveAdmins(deps.db)) > 0) return null;
  await updateNetwork(deps.db, {
    name: 'Médiathèque numérique de démonstration',
    email: 'reseau@demo.exemple.fr',
  });
  const libraries = [];
  for (const lib of DEMO_LIBRARIES) libraries.push(await insertLibrary(deps.db, lib));
  let librarian: DemoLinks['librarian'] | undefined;
  for (const [i, lib] of libraries.entries()) {
    const identifier = `52${String(10001 + i * 101).padStart(5, '0')}`;
    const created = await createStaff(deps, null, {
      identifier,
      name: DEMO_STAFF_NAMES[i] ?? `Agent ${i + 1}`,
      email: `agent${i + 1}@bibliotheques.exemple.fr`,
      role: 'library_staff',
      libraryIds: [lib.id],
    });
    librarian ??= { identifier, library: lib.name, url: created.setPasswordUrl };
  }
  const admin = await createStaff(deps, null, {
    identifier: 'admin',
    name: 'Administration du réseau',
    email: 'admin@demo.exemple.fr',
    role: 'network_admin',
    libraryIds: [],
  });
  await seedDemoResources(deps);
  await seedDemoPatrons(deps, libraries);
  return { admin: { identifier: 'admin', url: admin.setPasswordUrl }, librarian: librarian! };
}
