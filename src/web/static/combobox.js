// A searchable list for long selects (a network's libraries: 300 on a phone). It enhances a native
// <select data-combobox> following the WAI-ARIA combobox pattern with list autocomplete
// (https://www.w3.org/WAI/ARIA/apg/patterns/combobox/): an input with role="combobox" controls a
// listbox filtered as the person types, ignoring case and accents; arrows move, Enter chooses,
// Escape closes (then clears). The native select stays in the form, hidden, and carries the value,
// so the server sees the same field with or without JavaScript, and without JavaScript the select
// is simply shown as it is.
(() => {
  const fold = (text) =>
    text
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[\s'’-]+/g, ' ')
      .trim();

  let counter = 0;

  function enhance(select) {
    if (select.dataset.comboboxReady) return;
    select.dataset.comboboxReady = 'true';
    counter++;
    const base = select.id || `combobox-${counter}`;
    const inputId = `${base}-recherche`;
    const listId = `${base}-liste`;
    const statusId = `${base}-statut`;

    const choices = Array.from(select.options)
      .filter((o) => o.value !== '')
      .map((o) => ({ value: o.value, label: o.textContent.trim(), folded: fold(o.textContent) }));

    const wrapper = document.createElement('div');
    wrapper.className = 'sesame-combobox';

    const input = document.createElement('input');
    input.type = 'text';
    input.id = inputId;
    input.className = select.className.replace('fr-select', 'fr-input');
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', listId);
    input.setAttribute('autocomplete', 'off');
    input.setAttribute('autocapitalize', 'none');
    input.setAttribute('spellcheck', 'false');
    const placeholder =
      select.options[0] && select.options[0].value === '' ? select.options[0].textContent : '';
    input.placeholder = placeholder ? 'Tapez une commune ou un nom' : '';
    for (const attribute of ['aria-describedby', 'aria-invalid']) {
      const value = select.getAttribute(attribute);
      if (value) input.setAttribute(attribute, value);
    }
    if (select.required) {
      input.setAttribute('aria-required', 'true');
      // A hidden required select would block the form with a message nobody can see: the
      // server checks the field and answers next to it.
      select.required = false;
    }

    const list = document.createElement('ul');
    list.id = listId;
    list.className = 'sesame-combobox__list';
    list.setAttribute('role', 'listbox');
    const label = select.id ? document.querySelector(`label[for="${CSS.escape(select.id)}"]`) : null;
    if (label) {
      if (!label.id) label.id = `${base}-label`;
      list.setAttribute('aria-labelledby', label.id);
      label.htmlFor = inputId;
    }
    list.hidden = true;

    const status = document.createElement('p');
    status.id = statusId;
    status.className = 'fr-sr-only';
    status.setAttribute('role', 'status');

    // DSFR's .fr-select sets display: block, which wins over the hidden attribute.
    select.hidden = true;
    select.style.display = 'none';
    select.setAttribute('aria-hidden', 'true');
    select.tabIndex = -1;
    select.parentNode.insertBefore(wrapper, select);
    wrapper.append(input, list, status);

    const chosen = () => choices.find((c) => c.value === select.value);
    input.value = chosen()?.label ?? '';

    let shown = [];
    let active = -1;

    function render() {
      list.replaceChildren(
        ...shown.map((choice, index) => {
          const option = document.createElement('li');
          option.id = `${listId}-${index}`;
          option.setAttribute('role', 'option');
          option.className = 'sesame-combobox__option';
          option.textContent = choice.label;
          option.setAttribute('aria-selected', String(index === active));
          option.addEventListener('mousedown', (event) => event.preventDefault());
          option.addEventListener('click', () => choose(choice));
          return option;
        }),
      );
      if (active >= 0) {
        input.setAttribute('aria-activedescendant', `${listId}-${active}`);
        document.getElementById(`${listId}-${active}`)?.scrollIntoView({ block: 'nearest' });
      } else input.removeAttribute('aria-activedescendant');
    }

    function open(text) {
      const words = fold(text).split(' ').filter(Boolean);
      shown = choices.filter((c) => words.every((w) => c.folded.includes(w)));
      active = -1;
      list.hidden = shown.length === 0;
      input.setAttribute('aria-expanded', String(shown.length > 0));
      status.textContent =
        shown.length === 0
          ? 'Aucune bibliothèque ne correspond.'
          : `${shown.length} résultat${shown.length > 1 ? 's' : ''}, flèche du bas pour parcourir.`;
      render();
    }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      active = -1;
      input.removeAttribute('aria-activedescendant');
    }

    function choose(choice) {
      select.value = choice.value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      input.value = choice.label;
      status.textContent = `${choice.label} choisie.`;
      close();
    }

    function move(step) {
      if (list.hidden) open(input.value === chosen()?.label ? '' : input.value);
      if (shown.length === 0) return;
      active = active < 0 ? (step > 0 ? 0 : shown.length - 1) : (active + step + shown.length) % shown.length;
      render();
    }

    input.addEventListener('input', () => {
      // What is typed is a search, not yet a choice: the form must not send a stale library.
      if (select.value && input.value !== chosen()?.label) select.value = '';
      open(input.value);
    });
    input.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowDown') {
        event.preventDefault();
        if (event.altKey) open(input.value === chosen()?.label ? '' : input.value);
        else move(1);
      } else if (event.key === 'ArrowUp') {
        event.preventDefault();
        move(-1);
      } else if (event.key === 'Enter') {
        if (!list.hidden && active >= 0) {
          event.preventDefault();
          choose(shown[active]);
        } else if (!list.hidden && shown.length === 1) {
          event.preventDefault();
          choose(shown[0]);
        }
      } else if (event.key === 'Escape') {
        if (!list.hidden) close();
        else {
          input.value = '';
          select.value = '';
        }
      } else if (event.key === 'Home' && !list.hidden && active >= 0) {
        event.preventDefault();
        active = 0;
        render();
      } else if (event.key === 'End' && !list.hidden && active >= 0) {
        event.preventDefault();
        active = shown.length - 1;
        render();
      }
    });
    input.addEventListener('blur', () => {
      close();
      // Leaving the field on an exact name chooses it; anything else keeps the field empty.
      const exact = choices.find((c) => fold(c.label) === fold(input.value));
      if (exact) choose(exact);
      else if (!select.value && input.value.trim() !== '')
        status.textContent = 'Choisissez une bibliothèque dans la liste.';
    });

    // A form sent back with an error moves focus to the summary; the label still names the input.
    select.form?.addEventListener('reset', () => {
      input.value = '';
      close();
    });
  }

  // The stylesheet sits beside this script, under the same fingerprinted prefix.
  const stylesheet = new URL('combobox.css', document.currentScript?.src ?? window.location.href).href;
  if (![...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === stylesheet)) {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = stylesheet;
    document.head.append(link);
  }
  for (const select of document.querySelectorAll('select[data-combobox]')) enhance(select);
})();
