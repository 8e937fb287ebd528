import { describe, expect, it } from 'vitest';
import { describePasswordRule, passwordProblems, passwordRule } from '../../src/domain/password-policy.js';
import { defaultSettings } from '../../src/domain/settings.js';

const mdo = passwordRule(defaultSettings('mdo'));
const numos = passwordRule(defaultSettings('numos'));

describe('password rule', () => {
  it('is shown before typing, per profile', () => {
    expect(describePasswordRule(mdo)).toBe(
      'Au moins 8 caractères, dont une majuscule, une minuscule, un chiffre et un caractère spécial.',
    );
    expect(describePasswordRule(numos)).toContain('Au moins 8 caractères');
  });

  it.each([
    ['Ab1!', 'Le mot de passe doit contenir au moins 8 caractères.'],
    ['abcdefg1!', 'Le mot de passe doit contenir une lettre majuscule.'],
    ['ABCDEFG1!', 'Le mot de passe doit contenir une lettre minuscule.'],
    ['Abcdefgh!', 'Le mot de passe doit contenir un chiffre.'],
    ['Abcdefgh1', 'Le mot de passe doit contenir un caractère spécial (par exemple ! ? # @ -).'],
    [
      'abcdefgh',
      'Le mot de passe doit contenir une lettre majuscule, un chiffre et un caractère spécial (par exemple ! ? # @ -).',
    ],
  ])('MDO names each unmet part: %s', (password, message) => {
    expect(passwordProblems(password, mdo)).toEqual([message]);
  });

  it('accepts a password meeting every part, accents counting as letters', () => {
    expect(passwordProblems('Élan-vif-42', mdo)).toEqual([]);
    expect(passwordProblems('phrase de passe longue', numos)).toEqual([]);
  });

  it('refuses common passwords and the identifiant or e-mail', () => {
    expect(passwordProblems('azertyuiop', numos)).toEqual([
      'Ce mot de passe est trop courant : choisissez-en un autre.',
    ]);
    expect(passwordProblems('Azerty123!', mdo)[0]).toContain('trop courant');
    expect(passwordProblems('camille.martin', numos, { identifier: 'Camille.Martin' })[0]).toContain(
      'identifiant',
    );
    expect(passwordProblems('zoe.durand@exemple.fr', numos, { email: 'zoe.durand@exemple.fr' })[0]).toContain(
      'adresse électronique',
    );
  });

  it('counts characters, not bytes', () => {
    expect(passwordProblems('ééééééé', numos)).toHaveLength(1);
    expect(passwordProblems('éééééééé', numos)).toEqual([]);
  });
});
