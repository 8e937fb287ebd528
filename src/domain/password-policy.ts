import type { NetworkSettings } from './settings.js';

/**
 * The most common passwords seen in leaks (French and international). Short on purpose:
 * it catches what attackers try first without shipping a dictionary.
 */
const COMMON = new Set(
  [
    '123456',
    '123456789',
    '12345678',
    'password',
    'motdepasse',
    'azerty',
    'azertyuiop',
    'qwerty',
    '1234567890',
    '000000',
    '111111',
    '123123',
    'abc123',
    'password1',
    'password123',
    'motdepasse1',
    'azerty123',
    'soleil',
    'bonjour',
    'doudou',
    'loulou',
    'chouchou',
    'marseille',
    'nicolas',
    'jetaime',
    'iloveyou',
    'admin',
    'admin123',
    'welcome',
    'welcome1',
    'letmein',
    'football',
    'dragon',
    'monkey',
    'sunshine',
    'princess',
    'qwerty123',
    '1q2w3e4r',
    'aaaaaaaa',
    'abcdefgh',
    'passw0rd',
    'p@ssw0rd',
    'p@ssword',
    'azerty1234',
    'bibliotheque',
    'mediatheque',
    'Azerty123!',
    'Password1!',
    'Motdepasse1!',
    'Bonjour123!',
    'Soleil123!',
    'Azerty1!',
  ].map((p) => p.toLowerCase()),
);

export interface PasswordRule {
  minLength: number;
  requireClasses: boolean;
}

export function passwordRule(settings: NetworkSettings): PasswordRule {
  return { minLength: settings.passwordMinLength, requireClasses: settings.passwordRequireClasses };
}

/** The rule as shown next to the field, before anything is typed. */
export function describePasswordRule(rule: PasswordRule): string {
  const base = `Au moins ${rule.minLength} caractères`;
  return rule.requireClasses
    ? `${base}, dont une majuscule, une minuscule, un chiffre et un caractère spécial.`
    : `${base}. Évitez les mots de passe courants et votre identifiant.`;
}

/**
 * Every unmet part of the rule, in French, so the person knows exactly what to change.
 * Empty when the password is acceptable.
 */
export function passwordProblems(
  password: string,
  rule: PasswordRule,
  personal: { identifier?: string | null; email?: string | null } = {},
): string[] {
  const problems: string[] = [];
  if ([...password].length < rule.minLength) problems.push(`au moins ${rule.minLength} caractères`);
  if (rule.requireClasses) {
    if (!/\p{Lu}/u.test(password)) problems.push('une lettre majuscule');
    if (!/\p{Ll}/u.test(password)) problems.push('une lettre minuscule');
    if (!/\p{Nd}/u.test(password)) problems.push('un chiffre');
    if (!/[^\p{L}\p{Nd}]/u.test(password)) problems.push('un caractère spécial (par exemple ! ? # @ -)');
  }
  if (problems.length > 0) return [`Le mot de passe doit contenir ${joinFrench(problems)}.`];
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return ['Ce mot de passe est trop courant : choisissez-en un autre.'];
  const id = personal.identifier?.trim().toLowerCase();
  const email = personal.email?.trim().toLowerCase();
  if ((id && lower === id) || (email && (lower === email || lower === email.split('@')[0])))
    return ['Le mot de passe ne doit pas être votre identifiant ni votre adresse électronique.'];
  return [];
}

function joinFrench(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} et ${parts[parts.length - 1]}`;
}
