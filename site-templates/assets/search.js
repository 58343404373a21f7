// Full-text search over data/search-index.js, in the browser, from file://
// too. Text is folded like the generator documents it (NFKC, lower case), and
// every word of the query must occur somewhere in a postmortem as a
// substring, so Japanese queries need no spaces: 接続プール finds DB接続プールが枯渇.
(function () {
  'use strict';
  const docs = window.POSTMORTEM_SEARCH || [];
  const input = document.getElementById('q');
  const status = document.getElementById('search-status');
  const list = document.getElementById('search-results');
  if (!input || !status || !list) return;
  // NFKC and lower case, keeping the length (a character whose folding would
  // change it, such as … → ..., stays as it is), so positions in the folded
  // text are positions in the original: snippets and marks line up.
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
  // Field → weight: a hit in the title counts most.
  const fields = [['title', 10], ['id', 8], ['causes', 5], ['summary', 4], ['facets', 3], ['body', 1]];
  const folded = docs.map((doc) => {
    const f = {};
    fields.forEach(([name]) => { f[name] = fold(doc[name]); });
    return f;
  });
  const limit = 50;

  function occurrences(haystack, needle) {
    let count = 0;
    for (let at = haystack.indexOf(needle); at >= 0 && count < 20; at = haystack.indexOf(needle, at + needle.length)) count++;
    return count;
  }

  function search(query) {
    const terms = fold(query).split(/\s+/).filter(Boolean);
    if (!terms.length) return { terms, hits: [] };
    const hits = [];
    docs.forEach((doc, index) => {
      let score = 0;
      for (const term of terms) {
        let termScore = 0;
        for (const [name, weight] of fields) {
          const n = occurrences(folded[index][name], term);
          if (n) termScore += weight * (1 + Math.log(n));
        }
        if (!termScore) return;
        score += termScore;
      }
      hits.push({ doc, index, score });
    });
    // Best first; equal scores keep the index's order (newest first).
    hits.sort((a, b) => b.score - a.score || a.index - b.index);
    return { terms, hits };
  }

  // Text with each term wrapped in <mark>, as DOM nodes (never innerHTML).
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

  // Around the first hit in the body, else the summary.
  function snippet(hit, terms) {
    const body = hit.doc.body || '';
    const f = folded[hit.index].body;
    let at = -1;
    for (const term of terms) { const i = f.indexOf(term); if (i >= 0 && (at < 0 || i < at)) at = i; }
    if (at < 0) return { text: hit.doc.summary || '', before: '', after: '' };
    const start = Math.max(0, at - 60), end = Math.min(body.length, at + 140);
    return { text: body.slice(start, end), before: start > 0 ? '…' : '', after: end < body.length ? '…' : '' };
  }

  function render(query) {
    const { terms, hits } = search(query);
    list.textContent = '';
    if (!terms.length) { status.textContent = status.dataset.hint; return; }
    const template = hits.length ? status.dataset.results : status.dataset.none;
    status.textContent = template.replace('{count}', hits.length).replace('{query}', query.trim());
    for (const hit of hits.slice(0, limit)) {
      const li = document.createElement('li');
      const link = document.createElement('a');
      link.href = hit.doc.url;
      link.className = 'result-title';
      link.append(marked(hit.doc.title, terms));
      const meta = document.createElement('div');
      meta.className = 'result-meta';
      meta.textContent = [hit.doc.date, hit.doc.id, hit.doc.severity, hit.doc.status].filter(Boolean).join(' · ');
      const text = document.createElement('p');
      const part = snippet(hit, terms);
      text.append(part.before, marked(part.text, terms), part.after);
      li.append(link, meta, text);
      list.append(li);
    }
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
