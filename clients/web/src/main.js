// The page's entry: reads the configuration the gateway put in <meta name="ibasho-config">, routes
// / and /a/{id}, and keeps every state in the URL (links navigate without reloading).
import './style.css';
import { api, Latest } from './api.js';
import { h, replaceChildren } from './dom.js';
import { language, setLanguage, t } from './i18n.js';
import { renderDetail } from './detail_view.js';
import { renderSearch } from './search_view.js';
import { stateFromLocation, urlOf } from './state.js';

const config = readConfig();
const latest = new Latest();
let labels = {};
let lastSearchUrl = '/';

function readConfig() {
  try {
    return JSON.parse(document.querySelector('meta[name="ibasho-config"]')?.content || '{}');
  } catch {
    return {};
  }
}

async function loadLabels() {
  try {
    const body = await api.categories();
    for (const c of body.categories || []) labels[c.code] = c.label;
  } catch {
    labels = {};
  }
}

function navigate(state, { replace = false } = {}) {
  const url = urlOf(state);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  render({ moveFocus: true });
}

function chrome(state) {
  setLanguage(state.lang);
  document.querySelector('.skip-link').textContent = t('skip');
  document.getElementById('brand-text').textContent = t('brand');
  const home = document.querySelector('.brand');
  home.setAttribute('href', state.lang ? `/?lang=${state.lang}` : '/');
  const switcher = document.getElementById('lang-switch');
  switcher.textContent = t('langSwitch');
  switcher.lang = language() === 'en' ? 'ja' : 'en';
  replaceChildren(document.getElementById('site-footer'), h('p', {}, t('footer')), h('p', { class: 'attribution' }, 'ibasho'));
}

async function render({ moveFocus = false } = {}) {
  const state = stateFromLocation();
  chrome(state);
  const main = document.getElementById('main');
  const focusKey = document.activeElement?.dataset?.focusKey;
  const ctx = { state, navigate, labels, config, lang: language(), signal: latest.next(), backUrl: lastSearchUrl };
  if (state.activityId) {
    await renderDetail(main, ctx);
  } else {
    lastSearchUrl = location.pathname + location.search;
    document.title = state.q ? `${state.q} | ibasho` : t('brand');
    await renderSearch(main, ctx);
  }
  // Keyboard users stay where they were (the control they used is rebuilt); a new page starts at
  // its heading or results.
  const again = focusKey && main.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`);
  if (again) again.focus();
  else if (moveFocus && state.activityId) main.querySelector('h1')?.focus();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || !(url.pathname === '/' || url.pathname.startsWith('/a/'))) return;
  e.preventDefault();
  const lang = stateFromLocation().lang;
  if (lang && !url.searchParams.has('lang')) url.searchParams.set('lang', lang);
  history.pushState(null, '', url.pathname + url.search);
  render({ moveFocus: true });
  if (a.dataset.nav !== 'view' && a.dataset.nav !== 'literal') window.scrollTo(0, 0);
});

document.getElementById('lang-switch').addEventListener('click', () => {
  const state = stateFromLocation();
  navigate({ ...state, lang: state.lang === 'en' ? '' : 'en' }, { replace: true });
});

window.addEventListener('popstate', () => render());

loadLabels().then(() => render());
