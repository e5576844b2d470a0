// The search page: box, worries, near-me, filters with counts, and the list / map / calendar views.
import { api } from './api.js';
import { resultCard } from './cards.js';
import { h, replaceChildren } from './dom.js';
import { categoryLabel, t } from './i18n.js';
import { renderCalendar } from './calendar_view.js';
import { renderMap } from './map_view.js';
import { emptySearch, queryOf, searchParams, urlOf, withChanges } from './state.js';
import { suggestBox } from './suggest_box.js';

const PAGE_SIZE = 10;

// ctx: { state, navigate(state), labels (category code → Japanese label), signal }
export async function renderSearch(main, ctx) {
  const { state } = ctx;
  const resultsArea = h('section', { class: 'results-area', 'aria-labelledby': 'results-heading' });
  const filtersArea = h('aside', { class: 'filters', 'aria-label': t('filters') });
  replaceChildren(main, searchPanel(ctx), h('div', { class: 'layout' }, filtersArea, resultsArea));

  const view = ['map', 'calendar'].includes(state.view) ? state.view : 'list';
  resultsArea.append(viewTabs(ctx, view));
  const status = h('p', { class: 'status', id: 'results-heading', role: 'status', 'aria-live': 'polite' }, t('loading'));
  const body = h('div', { class: 'view-body' });
  resultsArea.append(status, body);

  const pageSize = view === 'map' ? 100 : PAGE_SIZE;
  let response;
  try {
    const params = searchParams(state, { page_size: String(pageSize) });
    if (view === 'list' && state.page) params.set('page_token', state.page);
    response = await api.search(params, ctx.signal);
  } catch (e) {
    if (e.name === 'AbortError') return;
    replaceChildren(status, t('errorTitle'));
    replaceChildren(body, errorState(ctx));
    return;
  }
  replaceChildren(filtersArea, filters(ctx, response.facets || {}));
  replaceChildren(status, statusText(state, response.total || 0));
  const interpretation = interpretationNotice(ctx, response);
  if (interpretation) status.after(interpretation);

  if (!response.total) {
    replaceChildren(body, emptyState(ctx));
    return;
  }
  if (view === 'map') return renderMap(body, response.results || [], ctx);
  if (view === 'calendar') return renderCalendar(body, ctx);
  replaceChildren(body, h('div', { class: 'cards' }, (response.results || []).map((r) => resultCard(r, ctx.labels))), pager(ctx, response));
}

function searchPanel(ctx) {
  const { state } = ctx;
  const worries = t('worries').map(([label, query]) =>
    h('button', { type: 'button', class: 'worry', dataset: { focusKey: `worry-${query}` }, onclick: () => ctx.navigate({ ...emptySearch(state), q: query }) }, label),
  );
  const nearButton = state.near
    ? h('button', { type: 'button', class: 'near active', 'aria-pressed': 'true', dataset: { focusKey: 'near' }, onclick: () => ctx.navigate(withChanges(state, { near: '' })) }, `${t('nearMeActive')} — ${t('nearMeClear')}`)
    : h('button', { type: 'button', class: 'near', 'aria-pressed': 'false', dataset: { focusKey: 'near' }, onclick: (e) => locate(ctx, e.currentTarget) }, t('nearMe'));
  const guideQuery = queryOf(state, { omit: ['page', 'view', 'near', 'literal', 'lang', 'weekday', 'age_band', 'fee'] });
  return h(
    'section',
    { class: 'search-panel' },
    h('p', { class: 'tagline' }, t('tagline')),
    suggestBox(state.q, (q) => ctx.navigate(withChanges(state, { q, literal: '' }))),
    h('div', { class: 'worries', role: 'group', 'aria-labelledby': 'worries-title' }, h('h2', { id: 'worries-title', class: 'small-heading' }, t('worriesTitle')), h('div', { class: 'worry-list' }, worries)),
    h('div', { class: 'tools' }, nearButton, h('a', { href: `/guide${guideQuery ? '?' + guideQuery : ''}`, class: 'guide-link', target: '_blank' }, t('guideLink'))),
    h('p', { class: 'locate-status', role: 'status', 'aria-live': 'polite' }),
  );
}

function locate(ctx, button) {
  const note = document.querySelector('.locate-status');
  if (!navigator.geolocation) return replaceChildren(note, t('locationDenied'));
  replaceChildren(note, t('locating'));
  button.disabled = true;
  navigator.geolocation.getCurrentPosition(
    (pos) => ctx.navigate(withChanges(ctx.state, { near: `${pos.coords.latitude.toFixed(4)},${pos.coords.longitude.toFixed(4)}` })),
    () => {
      button.disabled = false;
      replaceChildren(note, t('locationDenied'));
    },
    { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 },
  );
}

function viewTabs(ctx, view) {
  const tab = (name, label) =>
    h('a', { href: urlOf({ ...ctx.state, view: name === 'list' ? '' : name, page: '' }), class: 'view-tab', 'aria-current': view === name ? 'page' : false, dataset: { nav: 'view', focusKey: `view-${name}` } }, label);
  return h('nav', { class: 'view-tabs', 'aria-label': t('views') }, tab('list', t('viewList')), tab('map', t('viewMap')), tab('calendar', t('viewCalendar')));
}

function statusText(state, total) {
  return state.q ? t('resultsFor', state.q, total) : t('allListings', total);
}

function interpretationNotice(ctx, response) {
  const { state } = ctx;
  const i = response.interpretation || {};
  const parts = [];
  const understood = [...(i.categories || []).map((c) => categoryLabel(c, ctx.labels[c])), ...(i.weekdays || []).map((w) => t('weekdays')[w] + (ctx.lang === 'en' ? '' : '曜日')), ...(i.municipalities || [])];
  if (understood.length && !state.literal)
    parts.push(h('p', {}, `${t('interpreted', understood.map((u) => `「${u}」`).join(''))} — `, h('a', { href: urlOf(withChanges(state, { literal: '1' })), dataset: { nav: 'literal' } }, t('literal'))));
  if (i.translated) parts.push(h('p', {}, t('translated', i.translated)));
  if (i.corrected) parts.push(h('p', {}, t('corrected', i.corrected)));
  else if (i.relaxed) parts.push(h('p', {}, t('relaxed')));
  if (response.did_you_mean && !i.corrected)
    parts.push(h('p', {}, `${t('didYouMean')} `, h('a', { href: urlOf(withChanges(state, { q: response.did_you_mean })), dataset: { nav: 'dym' } }, response.did_you_mean)));
  return parts.length ? h('div', { class: 'interpretation' }, parts) : null;
}

function filters(ctx, facets) {
  const { state } = ctx;
  const group = (key, legend, values, labelOf) => {
    const selected = new Set(state[key] || []);
    const shown = [...values];
    for (const v of selected) if (!shown.some((f) => f.value === v)) shown.push({ value: v, label: v, count: 0 });
    if (!shown.length) return null;
    return h(
      'fieldset',
      { class: `facet facet-${key}` },
      h('legend', {}, legend),
      shown.map((f) => {
        const id = `f-${key}-${f.value}`;
        const toggle = () => {
          const next = new Set(selected);
          next.has(f.value) ? next.delete(f.value) : next.add(f.value);
          ctx.navigate(withChanges(state, { [key]: [...next] }));
        };
        return h('div', { class: 'facet-option' }, h('input', { type: 'checkbox', id, checked: selected.has(f.value), onchange: toggle, dataset: { focusKey: id } }), h('label', { for: id }, labelOf(f), h('span', { class: 'count' }, ` (${f.count})`)));
      }),
    );
  };
  const any = ['category', 'municipality', 'weekday', 'age_band', 'fee'].some((k) => (state[k] || []).length);
  const weekdayOrder = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const weekdays = [...(facets.weekday || [])].sort((a, b) => weekdayOrder.indexOf(a.value) - weekdayOrder.indexOf(b.value));
  const details = h(
    'details',
    { class: 'filter-panel', open: window.matchMedia('(min-width: 900px)').matches || any },
    h('summary', {}, t('filters')),
    group('category', t('filterCategory'), facets.category || [], (f) => categoryLabel(f.value, f.label)),
    group('municipality', t('filterArea'), facets.municipality || [], (f) => f.label || f.value),
    group('weekday', t('filterWeekday'), weekdays, (f) => t('weekdays')[f.value] || f.label),
    group('age_band', t('filterAge'), facets.age_band || [], (f) => t('ageBands')[f.value] || f.label),
    group('fee', t('filterFee'), facets.fee || [], (f) => t('fees')[f.value] || f.label),
    any ? h('button', { type: 'button', class: 'link-button', onclick: () => ctx.navigate({ ...emptySearch(state), q: state.q }) }, t('clearFilters')) : null,
  );
  return details;
}

function pager(ctx, response) {
  const { state } = ctx;
  const offset = Number(state.page || 0);
  const shown = (response.results || []).length;
  const prev = offset > 0 ? h('a', { href: urlOf(withChanges(state, { page: offset - PAGE_SIZE > 0 ? String(offset - PAGE_SIZE) : '' })), rel: 'prev', class: 'page-link', dataset: { nav: 'page', focusKey: 'prev' } }, `← ${t('prev')}`) : null;
  const next = response.next_page_token ? h('a', { href: urlOf(withChanges(state, { page: response.next_page_token })), rel: 'next', class: 'page-link', dataset: { nav: 'page', focusKey: 'next' } }, `${t('nextPage')} →`) : null;
  return h('nav', { class: 'pager', 'aria-label': 'pages' }, prev, h('span', { class: 'page-of' }, t('pageOf', offset + 1, offset + shown, response.total)), next);
}

function emptyState(ctx) {
  return h(
    'div',
    { class: 'empty-state' },
    h('h2', {}, t('emptyTitle')),
    h('p', {}, t('emptyHelp')),
    h('p', {}, t('emptyTry')),
    h('ul', { class: 'try-list' }, t('emptyExamples').map((q) => h('li', {}, h('a', { href: urlOf({ ...emptySearch(ctx.state), q }), dataset: { nav: 'try' } }, q)))),
  );
}

export function errorState(ctx) {
  return h('div', { class: 'error-state', role: 'alert' }, h('h2', {}, t('errorTitle')), h('p', {}, t('errorHelp')), h('button', { type: 'button', class: 'primary', onclick: () => ctx.navigate(ctx.state, { replace: true }) }, t('retry')));
}

