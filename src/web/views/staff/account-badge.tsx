import type { StaffRow } from '../../../db/repositories/staff.js';

type AccountState = 'active' | 'disabled' | 'never_set';

function accountState(s: Pick<StaffRow, 'disabledAt' | 'passwordHash'>): AccountState {
  if (s.disabledAt) return 'disabled';
  return s.passwordHash ? 'active' : 'never_set';
}

/** A staff account's state, the same in the accounts list, on an account and on its library. */
export function AccountBadge({ staff }: { staff: Pick<StaffRow, 'disabledAt' | 'passwordHash'> }) {
  switch (accountState(staff)) {
    case 'disabled':
      return <p class="fr-badge fr-badge--sm fr-badge--error">Désactivé</p>;
    case 'never_set':
      return <p class="fr-badge fr-badge--sm fr-badge--warning">Mot de passe jamais défini</p>;
    default:
      return <p class="fr-badge fr-badge--sm fr-badge--success">Actif</p>;
  }
}
