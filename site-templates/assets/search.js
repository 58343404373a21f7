// Full-text search in the browser, from file:// too, over the split index:
// data/search-index.js says how many shards and document files there are;
// a query loads, with <script> tags, only the shards of its terms
// (data/search/terms-K.js) and the files of the results it shows
// (data/search/docs-N.js). Text is cut into terms like the generator does
// (SearchTerms.swift): folded (NFKC, lower case); kana and kanji give every
// character and pair of characters, so Japanese needs no spaces (接続プール
// finds DB接続プールが枯渇); other words of three or more characters match
// the words they begin, shorter ones the same word. Every word of the query
// must be found.
(function () {
  'use strict';
  const manifest = window.POSTMORTEM_SEARCH || { documents: 0, shards: 0, chunk: 1 };
  const input = document.getElementById('q');
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  if (!input || !status || !list) return;
  const base = (document.querySelector('script[src$="search-index.js"]') || {}).getAttribute
    ? document.querySelector('script[src$="search-index.js"]').getAttribute('src').replace(/search-index\.js$/, 'search/')
    : 'data/search/';
  const limit = 50;

  // Loading a file of the index: a <script> that calls back with its part.
  const loaded = { terms: new Map(), docs: new Map() };
  const waiting = new Map();
  function receive(kind, number, value) {
    loaded[kind].set(number, value);
    const resolve = waiting.get(kind + number);
    if (resolve) resolve(value);
  }
  window.POSTMORTEM_SEARCH_TERMS = (number, table) => receive('terms', number, table);
  window.POSTMORTEM_SEARCH_DOCS = (number, rows) => receive('docs', number, rows);
  const pending = new Map();
  function load(kind, number) {
    if (loaded[kind].has(number)) return Promise.resolve(loaded[kind].get(number));
    const key = kind + number;
    if (!pending.has(key)) {
      pending.set(key, new Promise((resolve, reject) => {
        waiting.set(key, resolve);
        const script = document.createElement('script');
        script.src = base + kind + '-' + number + '.js';
        script.onerror = () => { pending.delete(key); reject(new Error('cannot load ' + script.src)); };
        document.head.append(script);
      }));
    }
    return pending.get(key);
  }

  // NFKC and lower case, keeping the length (a character whose folding would
  // change it, such as … → ..., stays as it is), so positions in the folded
  // text are positions in the original: marks line up.
  const fold = (text) => {
    text = text || '';
    const whole = text.normalize('NFKC').toLowerCase();
    if (whole.length === text.length) return whole;
    let out = '';
    for (const ch of text) {
      const f = ch.normalize('NFKC').toLowerCase();
      out += f.length === ch.length ? f : ch;
    }
    return out;
  };
  const isCJK = (c) => (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) || (c >= 0x3400 && c <= 0x4DBF) ||
    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
  const wordCharacter = /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/u;

  // A query word's parts, as the index cuts text: {kind: 'word', text} (prefix) or {kind: 'cjk', text}.
  function parts(word) {
    const out = [];
    let run = '';
    let previous = '';
    const chars = Array.from(word.normalize('NFKC').toLowerCase());
    const cjk = [];
    const endWord = () => { if (run) out.push({ kind: 'word', text: Array.from(run).slice(0, 40).join('') }); run = ''; };
    const endCJK = () => {
      if (cjk.length === 1) out.push({ kind: 'cjk', text: cjk[0] });
      for (let i = 1; i < cjk.length; i++) out.push({ kind: 'cjk', text: cjk[i - 1] + cjk[i] });
      cjk.length = 0;
    };
    for (const ch of chars) {
      if (isCJK(ch.codePointAt(0))) { endWord(); cjk.push(ch); } else {
        endCJK();
        if (wordCharacter.test(ch)) run += ch; else endWord();
      }
      previous = ch;
    }
    endWord();
    endCJK();
    return out;
  }

  const encoder = new TextEncoder();
  function shardOf(term) {
    let hash = 2166136261;
    for (const byte of encoder.encode(Array.from(term).slice(0, 3).join(''))) {
      hash ^= byte;
      hash = Math.imul(hash, 16777619) >>> 0;
    }
    return hash % manifest.shards;
  }

  // Documents → score of one part: the exact term, or every word it begins (the best of them).
  function postings(table, part) {
    const scores = new Map();
    const add = (flat) => {
      let document = 0;
      for (let i = 0; i < flat.length; i += 2) {
        document += flat[i];
        if ((scores.get(document) || 0) < flat[i + 1]) scores.set(document, flat[i + 1]);
      }
    };
    if (part.kind === 'cjk' || Array.from(part.text).length < 3) { if (table[part.text]) add(table[part.text]); } else {
      for (const term in table) if (term.startsWith(part.text)) add(table[term]);
    }
    return scores;
  }

  async function search(query) {
    const words = fold(query).split(/\s+/).filter(Boolean);
    const wanted = words.map(parts).filter((p) => p.length);
    if (!wanted.length || !manifest.shards) return { words, hits: [] };
    const all = wanted.flat();
    await Promise.all([...new Set(all.map((p) => shardOf(p.text)))].map((n) => load('terms', n)));
    let total = null;
    for (const word of wanted) {
      // A word scores as its weakest part (a pair of characters found less often than the whole is rare).
      let scores = null;
      for (const part of word) {
        const found = postings(loaded.terms.get(shardOf(part.text)), part);
        if (!scores) scores = found; else {
          const next = new Map();
          for (const [document, score] of scores) if (found.has(document)) next.set(document, Math.min(score, found.get(document)));
          scores = next;
        }
      }
      if (!total) total = scores; else {
        const next = new Map();
        for (const [document, score] of total) if (scores.has(document)) next.set(document, score + scores.get(document));
        total = next;
      }
    }
    // Best first; equal scores keep the index's order (newest first).
    const hits = Array.from(total, ([document, score]) => ({ document, score }))
      .sort((a, b) => b.score - a.score || a.document - b.document);
    const shown = hits.slice(0, limit);
    await Promise.all([...new Set(shown.map((h) => Math.floor(h.document / manifest.chunk)))].map((n) => load('docs', n)));
    shown.forEach((hit) => {
      const row = loaded.docs.get(Math.floor(hit.document / manifest.chunk))[hit.document % manifest.chunk];
      hit.doc = { url: row[0], id: row[1], title: row[2], date: row[3], severity: row[4], status: row[5], summary: row[6] };
    });
    return { words, hits, shown };
  }

  // Text with each query word wrapped in <mark>, as DOM nodes (never innerHTML).
  function marked(text, terms) {
    const fragment = document.createDocumentFragment();
    const f = fold(text);
    let at = 0;
    while (at < text.length) {
      let next = -1, length = 0;
      for (const term of terms) {
        const i = f.indexOf(term, at);
        if (i >= 0 && (next < 0 || i < next)) { next = i; length = term.length; }
      }
      if (next < 0) break;
      fragment.append(text.slice(at, next));
      const mark = document.createElement('mark');
      mark.textContent = text.slice(next, next + length);
      fragment.append(mark);
      at = next + length;
    }
    fragment.append(text.slice(at));
    return fragment;
  }

  let latest = 0;
  async function render(query) {
    const ticket = ++latest;
    const started = performance.now();
    let result;
    try {
      result = await search(query);
    } catch (error) {
      result = { words: [], hits: [], error };
    }
    if (ticket !== latest) return;
    list.textContent = '';
    if (!result.words.length) {
      status.textContent = status.dataset.hint;
    } else {
      const { words, hits, shown } = result;
      const template = hits.length ? status.dataset.results : status.dataset.none;
      status.textContent = template.replace('{count}', hits.length).replace('{query}', query.trim());
      for (const hit of shown || []) {
        const li = document.createElement('li');
        const link = document.createElement('a');
        link.href = hit.doc.url;
        link.className = 'result-title';
        link.append(marked(hit.doc.title, words));
        const meta = document.createElement('div');
        meta.className = 'result-meta';
        meta.textContent = [hit.doc.date, hit.doc.id, hit.doc.severity, hit.doc.status].filter(Boolean).join(' · ');
        const text = document.createElement('p');
        text.append(marked(hit.doc.summary, words));
        li.append(link, meta, text);
        list.append(li);
      }
    }
    list.dataset.count = String(result.hits.length);
    list.dataset.query = query;
    performance.measure('search', { start: started, end: performance.now() });
  }

  let timer = 0;
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      render(input.value);
      try { history.replaceState(null, '', input.value ? '?q=' + encodeURIComponent(input.value) : location.pathname); } catch (e) { /* file:// in some browsers */ }
    }, 120);
  });
  input.form.addEventListener('submit', (event) => { event.preventDefault(); clearTimeout(timer); render(input.value); });
  const initial = new URLSearchParams(location.search).get('q') || '';
  input.value = initial;
  render(initial);
})();
