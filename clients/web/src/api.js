// The gateway's public API. Every call goes to this page's own origin.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function getJson(path, params, signal) {
  const url = params && [...params].length ? `${path}?${params}` : path;
  let response;
  try {
    response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, e.message);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body?.error?.message || response.statusText);
  return body;
}

export const api = {
  search: (params, signal) => getJson('/v1/search', params, signal),
  suggest: (q, signal) => getJson('/v1/suggest', new URLSearchParams({ q, limit: '8' }), signal),
  events: (params, signal) => getJson('/v1/events', params, signal),
  activity: (id, signal) => getJson(`/v1/activities/${encodeURIComponent(id)}`, null, signal),
  categories: (signal) => getJson('/v1/categories', null, signal),
};

// Runs one request at a time per slot: a newer request aborts the one before.
export class Latest {
  constructor() {
    this.controller = null;
  }
  next() {
    this.controller?.abort();
    this.controller = new AbortController();
    return this.controller.signal;
  }
}
