// A result card: what a parent needs to decide whether to go, without opening anything.
import { h, markedText } from './dom.js';
import { categoryLabel, t } from './i18n.js';
import { formatAges, formatFee, formatWhen } from './format.js';

export function categoryChips(codes, labels) {
  return h('ul', { class: 'chips' }, (codes || []).map((c) => h('li', { class: `chip chip-${c}` }, categoryLabel(c, labels[c]))));
}

export function contactLinks(contact) {
  if (!contact) return null;
  const links = [];
  if (contact.phone) links.push(h('a', { href: `tel:${contact.phone.replace(/[^0-9+]/g, '')}`, class: 'contact-phone' }, `${t('phone')} ${contact.phone}`));
  if (contact.email) links.push(h('a', { href: `mailto:${contact.email}` }, `${t('email')} ${contact.email}`));
  if (contact.url && /^https?:\/\//.test(contact.url)) links.push(h('a', { href: contact.url, rel: 'noopener noreferrer', target: '_blank' }, t('website')));
  return links.length ? h('span', { class: 'contacts' }, links) : null;
}

// The address without the prefecture (every listing is local), or the municipality alone.
export function placeText(r) {
  return r.address ? r.address.replace(/^東京都/, '') : r.municipality || '';
}

function row(term, ...value) {
  const content = value.filter(Boolean);
  if (!content.length) return null;
  return [h('dt', {}, term), h('dd', {}, content)];
}

export function resultCard(r, labels, { headingLevel = 'h3' } = {}) {
  const next = r.next_occurrence ? `${t('next')}: ${formatWhen(r.next_occurrence)}` : t('noNext');
  return h(
    'article',
    { class: 'card', dataset: { activityId: r.activity_id } },
    h(headingLevel, { class: 'card-title' }, h('a', { href: `/a/${encodeURIComponent(r.activity_id)}`, dataset: { nav: 'detail' } }, r.title)),
    r.group_name && r.group_name !== r.title ? h('p', { class: 'card-group' }, r.group_name) : null,
    categoryChips(r.categories, labels),
    h('p', { class: 'card-next' }, next),
    r.snippet ? h('p', { class: 'card-snippet' }, markedText(r.snippet)) : null,
    h(
      'dl',
      { class: 'card-facts' },
      row(t('place'), placeText(r), r.distance_m !== undefined ? h('span', { class: 'distance' }, ` (${t('distance', r.distance_m)})`) : null),
      row(t('fee'), formatFee(r.fee)),
      row(t('ages'), formatAges(r.ages)),
      row(t('contact'), contactLinks(r.contact)),
    ),
  );
}
