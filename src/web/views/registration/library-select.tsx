import type { Library } from '../../../db/repositories/libraries.js';
import { REGISTRATION_LABELS } from '../../../domain/registration-form.js';
import { type FieldErrors, type FormValues, Select } from '../components/forms.js';

/** "É" and "E" open the same group: people look for their town by its first letter. */
function initial(town: string): string {
  const letter = town.normalize('NFD').replace(/\p{M}/gu, '').trim().charAt(0).toUpperCase();
  return /[A-Z]/.test(letter) ? letter : '#';
}

const collator = new Intl.Collator('fr', { sensitivity: 'base', numeric: true });

/** Libraries sorted by town then name, grouped by the town's first letter. */
export function libraryGroups(libraries: Library[]): Array<{ letter: string; libraries: Library[] }> {
  const sorted = [...libraries].sort(
    (a, b) => collator.compare(a.town, b.town) || collator.compare(a.name, b.name),
  );
  const groups: Array<{ letter: string; libraries: Library[] }> = [];
  for (const l of sorted) {
    const letter = initial(l.town);
    const last = groups[groups.length - 1];
    if (last?.letter === letter) last.libraries.push(l);
    else groups.push({ letter, libraries: [l] });
  }
  return groups;
}

/**
 * A native select (typing the first letters of a town jumps to it, on every browser and with
 * screen readers), which combobox.js turns into a searchable list when JavaScript runs: with
 * 300 libraries, a phone's native picker is a long scroll.
 */
export function LibrarySelect(props: {
  libraries: Library[];
  values?: FormValues;
  errors?: FieldErrors;
  hint: string;
}) {
  return (
    <Select
      name="libraryId"
      label={REGISTRATION_LABELS.libraryId}
      hint={props.hint}
      placeholder="Sélectionnez une bibliothèque"
      groups={libraryGroups(props.libraries).map((g) => ({
        label: g.letter,
        options: g.libraries.map((l) => ({ value: l.id, label: `${l.town} — ${l.name}` })),
      }))}
      combobox
      values={props.values}
      errors={props.errors}
      required
    />
  );
}
