// Filters, sorting and pages for the index's incident table. Without this
// script the page shows its table as it is (with many postmortems, the
// newest page) and no controls (the form stays `hidden`).
// The rows come from the table itself or, when the index is paged, from
// data/index-rows.js (window.POSTMORTEM_ROWS, every postmortem), loaded
// after the page (so the newest page shows and the page loads at once), the
// controls shown when it is there.
// The state is kept in the URL hash (#severity=SEV1&service=api&sort=-ttr&page=2),
// so a view can be shared as a link. Works from file:// too.
(function () {
  'use strict';
  const form = document.getElementById('filters');
  const table = document.querySelector('table.incidents');
  if (!form || !table || !table.tBodies[0]) return;
  if (!table.dataset.rows) return start();
  const load = () => {
    const script = document.createElement('script');
    script.src = table.dataset.rows;
    script.onload = start;
    document.head.append(script);
  };
  if (document.readyState === 'complete') load(); else window.addEventListener('load', load);

  function start() {
    const body = table.tBodies[0];
    const data = window.POSTMORTEM_ROWS;
    const pageSize = data ? Number(table.dataset.pageSize) || 100 : Infinity;
    const pager = document.getElementById('index-pager');
    const items = data ? fromData(data) : fromTable(body);
    items.forEach((item, index) => { item.position = index; });
    const selects = Array.from(form.querySelectorAll('select[data-field]'));
    const count = document.getElementById('filter-count');
    const headers = Array.from(table.querySelectorAll('thead th[data-sort]'));
    const collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    const defaultSort = { key: 'date', descending: true };
    let sort = defaultSort;
    let page = 1;

    // Rows of the page itself: their data-* attributes.
    function fromTable(tbody) {
      return Array.from(tbody.rows).map((row) => {
        const d = row.dataset;
        return { node: row, date: d.date || '', year: d.year || '', title: d.title || '', severity: d.severity || '',
          severityRank: d.severityRank || '', services: d.services ? d.services.split('|') : [],
          category: d.category || '', status: d.status || '', statusRank: d.statusRank || '', ttr: d.ttr || '' };
      });
    }

    // Rows of data/index-rows.js: [url, title, date, severity, severityClass, severityRank, services,
    // category, ttr minutes, ttr text, inferred, status, statusRank, near miss, language]; their <tr> made when shown.
    function fromData(source) {
      return source.rows.map((r) => ({
        url: r[0], title: r[1], date: r[2], year: r[2].slice(0, 4), severity: r[3], severityClass: r[4],
        severityRank: r[5] < 0 ? '' : String(r[5]), serviceRefs: r[6], services: r[6].map((i) => source.services[i][0]),
        categoryRef: r[7], category: r[7] < 0 ? '' : source.categories[r[7]][0], ttr: r[8] < 0 ? '' : String(r[8]),
        ttrText: r[9], inferred: r[10] === 1, status: r[11], statusRank: String(r[12]), nearMiss: r[13] === 1,
        lang: r[14] || '',
      }));
    }

    function element(tag, attributes, ...children) {
      const node = document.createElement(tag);
      Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
      node.append(...children);
      return node;
    }

    // The same cells as partials/incident-row.mustache.
    function rowOf(item) {
      if (item.node) return item.node;
      const labels = data.labels;
      const muted = () => element('span', { class: 'muted' }, '—');
      const title = element('td', null, element('a', item.lang ? { href: item.url, lang: item.lang } : { href: item.url }, item.title));
      if (item.nearMiss) title.append(' ', element('span', { class: 'tag kind' }, labels.nearMiss));
      const services = element('td');
      item.serviceRefs.forEach((i) => services.append(element('a', { class: 'tag', href: data.services[i][1] }, data.services[i][0]), ' '));
      const category = element('td');
      if (item.categoryRef >= 0) {
        const [, label, url] = data.categories[item.categoryRef];
        category.append(element('a', { class: 'category', href: url }, label));
      }
      const ttr = element('td', { class: 'num' });
      if (item.ttrText) {
        ttr.append(item.ttrText);
        if (item.inferred) ttr.append(' ', element('abbr', { class: 'inferred', title: labels.inferredHelp }, labels.inferred));
      } else ttr.append(muted());
      item.node = element('tr', null,
        element('td', { class: 'date' }, ...(item.date ? [element('time', { datetime: item.date }, item.date)] : [])),
        title,
        element('td', null, item.severity ? element('span', { class: 'badge sev-' + item.severityClass }, item.severity) : muted()),
        services, category, ttr,
        element('td', null, element('span', { class: 'status status-' + item.status }, labels[item.status] || item.status)));
      return item.node;
    }

    // Each sortable header's text goes into a button.
    headers.forEach((th) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      const icon = document.createElement('span');
      icon.className = 'sort-icon';
      icon.setAttribute('aria-hidden', 'true');
      button.appendChild(icon);
      th.appendChild(button);
      button.addEventListener('click', () => {
        const key = th.dataset.sort;
        sort = { key, descending: sort.key === key ? !sort.descending : false };
        page = 1;
        show();
        save();
      });
    });

    // An item's values of a field (services has several); "-" stands for "not set".
    function values(item, field) {
      if (field === 'services') return item.services.length ? item.services : ['-'];
      return [item[field] || '-'];
    }

    function matches(item) {
      return selects.every((select) => !select.value || values(item, select.dataset.field).includes(select.value));
    }

    // Unknown values last in both directions; ties keep the page's order.
    function compare(a, b, numeric) {
      const x = a[sort.key] || '';
      const y = b[sort.key] || '';
      const tie = a.position - b.position;
      if (!x || !y) return ((x ? 0 : 1) - (y ? 0 : 1)) || tie;
      const difference = numeric ? Number(x) - Number(y)
        : sort.key === 'date' ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y);
      return (sort.descending ? -difference : difference) || tie;
    }

    function show() {
      const current = headers.find((th) => th.dataset.sort === sort.key);
      headers.forEach((th) => {
        if (th === current) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
        else th.removeAttribute('aria-sort');
      });
      const numeric = current ? current.hasAttribute('data-numeric') : false;
      // The rows come newest first: the default order needs no sorting.
      const shown = items.filter(matches);
      if (sort !== defaultSort) shown.sort((a, b) => compare(a, b, numeric));
      const pages = Math.max(1, Math.ceil(shown.length / pageSize));
      page = Math.min(Math.max(1, page), pages);
      const start = pageSize === Infinity ? 0 : (page - 1) * pageSize;
      body.replaceChildren(...shown.slice(start, start + pageSize).map(rowOf));
      if (count) {
        count.dataset.shown = String(shown.length);
        count.textContent = count.dataset.template
          .replace('{shown}', String(shown.length)).replace('{total}', String(items.length));
      }
      if (pager) drawPager(pages);
    }

    function drawPager(pages) {
      pager.hidden = pages <= 1;
      const button = (name, label, target) => {
        const b = element('button', { type: 'button', 'data-page': name }, label);
        b.disabled = target === page || target < 1 || target > pages;
        b.addEventListener('click', () => { page = target; show(); save(); table.scrollIntoView({ block: 'start' }); });
        return b;
      };
      const d = pager.dataset;
      pager.replaceChildren(
        button('first', d.first, 1), button('previous', d.previous, page - 1),
        element('span', { class: 'page-of', 'aria-live': 'polite' }, d.pageOf.replace('{page}', page).replace('{pages}', pages)),
        button('next', d.next, page + 1), button('last', d.last, pages));
    }

    function read() {
      const params = new URLSearchParams(location.hash.slice(1));
      selects.forEach((select) => {
        const value = params.get(select.name) || '';
        select.value = Array.from(select.options).some((option) => option.value === value) ? value : '';
      });
      const wanted = params.get('sort') || '';
      const key = wanted.replace(/^-/, '');
      sort = headers.some((th) => th.dataset.sort === key)
        ? { key, descending: wanted.startsWith('-') } : defaultSort;
      page = Number(params.get('page')) || 1;
    }

    function save() {
      const params = new URLSearchParams();
      selects.forEach((select) => { if (select.value) params.set(select.name, select.value); });
      if (sort.key !== defaultSort.key || sort.descending !== defaultSort.descending) {
        params.set('sort', (sort.descending ? '-' : '') + sort.key);
      }
      if (page > 1) params.set('page', String(page));
      const hash = params.toString();
      if (hash === location.hash.slice(1)) return;
      try {
        history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
      } catch (error) {
        location.replace('#' + hash);
      }
    }

    form.addEventListener('change', () => { page = 1; show(); save(); });
    form.addEventListener('submit', (event) => event.preventDefault());
    // The form resets its selects after this event: read them on the next turn.
    form.addEventListener('reset', () => setTimeout(() => { page = 1; show(); save(); }));
    window.addEventListener('hashchange', () => { read(); show(); });

    read();
    const note = document.getElementById('first-rows');
    if (note && data) note.hidden = true;
    form.hidden = false;
    show();
    performance.mark('index-ready');
  }
}());
