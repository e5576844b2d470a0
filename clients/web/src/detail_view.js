// An activity's page (/a/{id}): what, when, where, who to ask, and "add to calendar".
import L from 'leaflet';
import { api } from './api.js';
import { categoryChips, contactLinks, placeText } from './cards.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { formatAges, formatFee, formatWhen } from './format.js';
import { baseMap, markerIcon } from './map_view.js';
import { errorState } from './search_view.js';

const UPCOMING_SHOWN = 8;

export async function renderDetail(main, ctx) {
  const back = h('p', { class: 'back' }, h('a', { href: ctx.backUrl, dataset: { nav: 'back' } }, `← ${t('back')}`));
  replaceChildren(main, back, h('p', { role: 'status' }, t('loading')));
  let a;
  try {
    a = await api.activity(ctx.state.activityId, ctx.signal);
  } catch (e) {
    if (e.name === 'AbortError') return;
    if (e.status === 404) {
      replaceChildren(main, back, h('div', { class: 'empty-state' }, h('h1', {}, t('notFoundTitle')), h('p', {}, t('notFoundHelp'))));
    } else {
      replaceChildren(main, back, errorState(ctx));
    }
    return;
  }
  document.title = `${a.title} | ibasho`;
  const facts = [
    [t('detailSchedule'), [a.schedule_text, a.next_occurrence ? h('span', { class: 'card-next block' }, `${t('next')}: ${formatWhen(a.next_occurrence)}`) : null]],
    [t('place'), placeText(a)],
    [t('fee'), formatFee(a.fee)],
    [t('ages'), formatAges(a.ages)],
    [t('contact'), contactLinks(a.contact)],
  ].filter(([, v]) => (Array.isArray(v) ? v.some(Boolean) : v));
  const upcoming = (a.upcoming || []).slice(0, UPCOMING_SHOWN);
  const mapElement = a.location && (a.location.lat || a.location.lon) ? h('div', { class: 'map map-small', role: 'region', 'aria-label': t('openInMap') }) : null;
  const mapNotice = h('p', { class: 'map-notice', role: 'status' });
  replaceChildren(
    main,
    back,
    h(
      'article',
      { class: 'detail' },
      h('h1', { tabindex: '-1' }, a.title),
      a.group_name && a.group_name !== a.title ? h('p', { class: 'card-group' }, a.group_name) : null,
      categoryChips(a.categories, ctx.labels),
      h('dl', { class: 'card-facts' }, facts.map(([term, value]) => [h('dt', {}, term), h('dd', {}, value)])),
      h('p', {}, h('a', { href: `/v1/activities/${encodeURIComponent(a.activity_id)}/calendar.ics`, class: 'button-link', download: `${a.activity_id}.ics` }, t('addToCalendar'))),
      a.description ? [h('h2', {}, t('detailDescription')), h('p', { class: 'description' }, a.description)] : null,
      upcoming.length ? [h('h2', {}, t('detailUpcoming')), h('ul', { class: 'upcoming' }, upcoming.map((e) => h('li', {}, formatWhen(e.start), e.end ? `〜${e.end.slice(11, 16)}` : '', e.note ? ` ${e.note}` : '')))] : null,
      mapElement ? [h('h2', {}, t('place')), mapNotice, mapElement] : null,
    ),
  );
  if (mapElement) {
    const map = baseMap(mapElement, ctx, () => replaceChildren(mapNotice, t('mapTilesFailed')));
    L.marker([a.location.lat, a.location.lon], { icon: markerIcon(), title: a.title, alt: a.title }).addTo(map);
    map.setView([a.location.lat, a.location.lon], 15);
  }
}
