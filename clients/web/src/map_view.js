// 居場所マップ: the current results as clustered markers over the configured tiles. When tiles do
// not load, the markers and the list below the map still work.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import 'leaflet.markercluster';
import 'leaflet.markercluster/dist/MarkerCluster.css';
import { placeText } from './cards.js';
import { h, replaceChildren } from './dom.js';
import { t } from './i18n.js';
import { formatWhen } from './format.js';

const NERIMA = [35.7356, 139.6517];

export function markerIcon() {
  return L.divIcon({ className: 'pin', html: '<span class="pin-dot"></span>', iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10] });
}

// A map element with its tiles; onTileError is called once when tiles fail.
export function baseMap(element, ctx, onTileError) {
  const map = L.map(element, { scrollWheelZoom: false, attributionControl: true });
  map.attributionControl.setPrefix(false);
  if (ctx.config.tile_url) {
    const layer = L.tileLayer(ctx.config.tile_url, { maxZoom: 18, attribution: ctx.config.tile_attribution || '' });
    let reported = false;
    layer.on('tileerror', () => {
      if (!reported) onTileError();
      reported = true;
    });
    layer.addTo(map);
  } else {
    onTileError();
  }
  return map;
}

export function renderMap(body, results, ctx) {
  const notice = h('p', { class: 'map-notice', role: 'status' });
  const mapElement = h('div', { class: 'map', id: 'results-map', role: 'region', 'aria-label': t('mapTitle') });
  const placed = results.filter((r) => r.location && (r.location.lat || r.location.lon));
  const unplaced = results.length - placed.length;
  const list = h(
    'ol',
    { class: 'map-list' },
    results.map((r) => h('li', {}, h('a', { href: `/a/${encodeURIComponent(r.activity_id)}`, dataset: { nav: 'detail' } }, r.title), ` — ${placeText(r)}`)),
  );
  replaceChildren(body, h('h2', { class: 'small-heading' }, t('mapTitle')), notice, mapElement, unplaced ? h('p', { class: 'note' }, t('mapNoLocation', unplaced)) : null, list);

  const map = baseMap(mapElement, ctx, () => replaceChildren(notice, t('mapTilesFailed')));
  const cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
  for (const r of placed) {
    const popup = h('div', { class: 'popup' }, h('a', { href: `/a/${encodeURIComponent(r.activity_id)}`, dataset: { nav: 'detail' } }, r.title), h('br'), r.next_occurrence ? `${t('next')}: ${formatWhen(r.next_occurrence)}` : '');
    L.marker([r.location.lat, r.location.lon], { icon: markerIcon(), title: r.title, alt: r.title, keyboard: true }).bindPopup(popup).addTo(cluster);
  }
  map.addLayer(cluster);
  if (placed.length) map.fitBounds(cluster.getBounds(), { padding: [30, 30], maxZoom: 15 });
  else map.setView(NERIMA, 12);
}
