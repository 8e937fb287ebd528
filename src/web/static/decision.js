// Decision form on a patron's record: choosing a template (or Accepter / Refuser) swaps the
// subject and message at once. Without JavaScript the "Utiliser ce modèle" button does the same
// through the server, so this file only saves a round trip.
(() => {
  const form = document.getElementById('formulaire-decision');
  if (!form) return;
  const select = form.querySelector('select[name="modele"]');
  const subject = form.querySelector('[name="objet"]');
  const message = form.querySelector('[name="message"]');
  const shownTemplate = form.querySelector('[name="modele_affiche"]');
  if (!select || !subject || !message || !shownTemplate) return;

  // After a refused submission, move focus to the list of errors so it is read first.
  const summary = form.parentElement?.querySelector('#erreurs');
  if (summary) summary.focus();

  // The texts last loaded from a template: anything else was typed by the person.
  let loaded = { subject: subject.value, message: message.value };
  let previous = select.value;

  function apply(option) {
    const edited = subject.value !== loaded.subject || message.value !== loaded.message;
    if (
      edited &&
      !window.confirm('Remplacer l’objet et le message que vous avez modifiés par le texte du modèle ?')
    ) {
      select.value = previous;
      return false;
    }
    subject.value = option.dataset.objet || '';
    message.value = option.dataset.message || '';
    loaded = { subject: subject.value, message: message.value };
    shownTemplate.value = option.value;
    previous = option.value;
    return true;
  }

  select.addEventListener('change', () => {
    const option = select.selectedOptions[0];
    if (option) apply(option);
  });

  for (const radio of form.querySelectorAll('input[name="decision"]')) {
    radio.addEventListener('change', () => {
      const current = select.selectedOptions[0];
      if (!radio.checked || (current && current.dataset.decision === radio.value)) return;
      const first = Array.from(select.options).find((o) => o.dataset.decision === radio.value);
      if (!first) return;
      const before = select.value;
      select.value = first.value;
      if (!apply(first)) select.value = before;
    });
  }
})();
