// Everything the page shows is in its URL: /?q=…&category=…&weekday=…&view=map, or /a/{id}.
// Shareable, bookmarkable, and the back button walks through it.

const LIST_KEYS = ['category', 'municipality', 'weekday', 'age_band', 'fee'];
const SCALAR_KEYS = ['q', 'near', 'page', 'view', 'literal', 'lang'];

export function stateFromLocation(location = window.location) {
  const params = new URLSearchParams(location.search);
  const state = { path: location.pathname };
  for (const key of LIST_KEYS) state[key] = params.getAll(key).filter(Boolean);
  for (const key of SCALAR_KEYS) state[key] = params.get(key) || '';
  const m = location.pathname.match(/^\/a\/([^/]+)$/);
  state.activityId = m ? decodeURIComponent(m[1]) : '';
  return state;
}

// The query string for a state (without the leading '?'), keys in a stable order.
export function queryOf(state, { omit = [] } = {}) {
  const params = new URLSearchParams();
  for (const key of SCALAR_KEYS) if (!omit.includes(key) && state[key]) params.set(key, state[key]);
  for (const key of LIST_KEYS) if (!omit.includes(key)) for (const v of state[key] || []) params.append(key, v);
  return params.toString();
}

export function urlOf(state) {
  const path = state.activityId ? `/a/${encodeURIComponent(state.activityId)}` : '/';
  const query = queryOf(state, state.activityId ? { omit: ['page', 'view', 'near', 'literal', ...LIST_KEYS, 'q'] } : {});
  return query ? `${path}?${query}` : path;
}

// A new search state from the old one with changes; any change but paging goes back to page 1.
export function withChanges(state, changes) {
  const next = { ...state, ...changes, activityId: '' };
  if (!('page' in changes)) next.page = '';
  return next;
}

export function emptySearch(state) {
  return { q: '', category: [], municipality: [], weekday: [], age_band: [], fee: [], near: '', page: '', view: state.view, literal: '', lang: state.lang, activityId: '' };
}

// The search API's parameters for a state.
export function searchParams(state, extra = {}) {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  for (const key of LIST_KEYS) for (const v of state[key] || []) params.append(key, v);
  if (state.near) {
    params.set('near', state.near);
    params.set('sort', 'distance');
  }
  if (state.literal) params.set('literal', 'true');
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  return params;
}
