// Building DOM without innerHTML: every text from the API goes in as a text node.

// h('a', {href: '/x', class: 'c', onclick: fn}, 'text', child) → element.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false || child === '') continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

// The search API's snippet is HTML-escaped text with <mark> around matched words. Parsed inertly
// (DOMParser runs no script) and rebuilt from its text and <mark> elements only.
export function markedText(snippet) {
  const parsed = new DOMParser().parseFromString(`<p>${snippet}</p>`, 'text/html');
  const out = document.createDocumentFragment();
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) out.append(document.createTextNode(child.textContent));
      else if (child.nodeName === 'MARK') out.append(h('mark', {}, child.textContent));
      else walk(child);
    }
  };
  walk(parsed.body);
  return out;
}
