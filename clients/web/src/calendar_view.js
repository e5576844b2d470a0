// イベントカレンダー: the sessions of the current results, day by day for four weeks.
import { api } from './api.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { addDays, formatWhen, parseTokyo, tokyoToday } from './format.js';
import { placeText } from './cards.js';
import { searchParams, urlOf, withChanges } from './state.js';

const DAYS = 28;

export async function renderCalendar(body, ctx) {
  const { state } = ctx;
  const from = /^\d{4}-\d{2}-\d{2}$/.test(state.page) ? state.page : tokyoToday();
  const to = addDays(from, DAYS - 1);
  const params = searchParams(state, { from, to, limit: '1000' });
  params.delete('sort');
  params.delete('near');
  replaceChildren(body, h('p', {}, t('loading')));
  let response;
  try {
    response = await api.events(params, ctx.signal);
  } catch (e) {
    if (e.name === 'AbortError') return;
    replaceChildren(body, h('div', { class: 'error-state', role: 'alert' }, h('h2', {}, t('errorTitle')), h('p', {}, t('errorHelp'))));
    return;
  }
  const byDay = new Map();
  for (const e of response.events || []) {
    const day = e.start.slice(0, 10);
    if (!byDay.has(day)) byDay.set(day, []);
    byDay.get(day).push(e);
  }
  const ics = new URLSearchParams(params);
  ics.delete('limit');
  ics.delete('to');
  const nav = h(
    'nav',
    { class: 'pager', 'aria-label': t('calendarTitle') },
    from > tokyoToday() ? h('a', { href: urlOf(withChanges(state, { page: addDays(from, -DAYS) })), class: 'page-link', dataset: { nav: 'page' } }, `← ${t('prev')}`) : null,
    h('span', { class: 'page-of' }, t('calendarRange', formatWhen(from), formatWhen(to))),
    h('a', { href: urlOf(withChanges(state, { page: addDays(from, DAYS) })), class: 'page-link', dataset: { nav: 'page' } }, `${t('nextPage')} →`),
  );
  const days = [...byDay.entries()].map(([day, events]) =>
    h(
      'section',
      { class: 'cal-day' },
      h('h3', {}, t('dayHeading', parseTokyo(day).date)),
      h(
        'ul',
        { class: 'cal-events' },
        events.map((e) =>
          h(
            'li',
            { class: 'cal-event' },
            h('span', { class: 'cal-time' }, timeRange(e)),
            h('span', { class: 'cal-what' }, h('a', { href: `/a/${encodeURIComponent(e.activity_id)}`, dataset: { nav: 'detail' } }, e.title), e.group_name && e.group_name !== e.title ? h('span', { class: 'cal-group' }, ` ${e.group_name}`) : null, h('span', { class: 'cal-place' }, placeText(e))),
          ),
        ),
      ),
    ),
  );
  replaceChildren(
    body,
    h('h2', { class: 'small-heading' }, t('calendarTitle')),
    nav,
    response.truncated ? h('p', { class: 'note' }, t('calendarTruncated')) : null,
    days.length ? days : h('p', { class: 'empty-state' }, t('calendarEmpty')),
    h('p', {}, h('a', { href: `/v1/calendar.ics?${ics}`, class: 'ics-link' }, t('calendarSubscribe'))),
  );
}

function timeRange(e) {
  const start = e.start.length > 10 ? e.start.slice(11, 16) : '';
  const end = e.end ? e.end.slice(11, 16) : '';
  return start ? `${start}${end ? '〜' + end : ''}` : '—';
}
