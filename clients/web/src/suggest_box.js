// The search box: a combobox (WAI-ARIA 1.2) offering the API's kana-aware completions as you type.
import { api, Latest } from './api.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';

const DEBOUNCE_MS = 150;

// onSubmit(text) is called with the query to search for.
export function suggestBox(initial, onSubmit) {
  const input = h('input', {
    id: 'q',
    name: 'q',
    type: 'search',
    value: initial,
    placeholder: t('searchPlaceholder'),
    autocomplete: 'off',
    enterkeyhint: 'search',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-controls': 'q-suggestions',
    dataset: { focusKey: 'q' },
  });
  const list = h('ul', { id: 'q-suggestions', role: 'listbox', 'aria-label': t('suggestions'), class: 'suggestions', hidden: true });
  const latest = new Latest();
  let items = [];
  let active = -1;
  let timer = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  };
  const highlight = (i) => {
    active = i;
    [...list.children].forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (i >= 0) input.setAttribute('aria-activedescendant', `q-option-${i}`);
    else input.removeAttribute('aria-activedescendant');
  };
  const choose = (text) => {
    input.value = text;
    close();
    onSubmit(text);
  };
  const show = (suggestions) => {
    items = suggestions;
    replaceChildren(
      list,
      suggestions.map((s, i) =>
        h('li', { id: `q-option-${i}`, role: 'option', 'aria-selected': 'false', onmousedown: (e) => e.preventDefault(), onclick: () => choose(s.text) }, s.text),
      ),
    );
    list.hidden = suggestions.length === 0;
    input.setAttribute('aria-expanded', suggestions.length ? 'true' : 'false');
    active = -1;
  };
  const fetchSuggestions = async () => {
    const q = input.value.trim();
    if (!q) return show([]);
    try {
      const body = await api.suggest(q, latest.next());
      if (input.value.trim() === q) show(body.suggestions || []);
    } catch (e) {
      if (e.name !== 'AbortError') show([]);
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DEBOUNCE_MS);
  });
  input.addEventListener('keydown', (e) => {
    if (e.isComposing) return;  // a Japanese IME is still converting
    if (e.key === 'ArrowDown' && items.length) {
      e.preventDefault();
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
      highlight((active + 1) % items.length);
    } else if (e.key === 'ArrowUp' && items.length) {
      e.preventDefault();
      highlight(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === 'Enter' && active >= 0 && !list.hidden) {
      e.preventDefault();
      choose(items[active].text);
    } else if (e.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 100));

  const form = h(
    'form',
    { role: 'search', class: 'search-form', onsubmit: (e) => { e.preventDefault(); close(); onSubmit(input.value.trim()); } },
    h('label', { for: 'q', class: 'search-label' }, t('searchLabel')),
    h('div', { class: 'search-row' }, h('div', { class: 'combo' }, input, list), h('button', { type: 'submit', class: 'primary' }, t('searchButton'))),
  );
  return form;
}
