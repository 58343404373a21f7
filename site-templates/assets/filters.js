// Filters and sorting for the index's incident table. Without this script the
// page shows the whole table and no controls (the form stays `hidden`).
// The state is kept in the URL hash (#severity=SEV1&service=api&sort=-ttr),
// so a filtered view can be shared as a link. Works from file:// too.
(function () {
  'use strict';
  const form = document.getElementById('filters');
  const table = document.querySelector('table.incidents');
  if (!form || !table || !table.tBodies[0]) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const position = new Map(rows.map((row, index) => [row, index]));
  const selects = Array.from(form.querySelectorAll('select[data-field]'));
  const count = document.getElementById('filter-count');
  const headers = Array.from(table.querySelectorAll('thead th[data-sort]'));
  const collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
  const defaultSort = { key: 'date', descending: true };
  let sort = defaultSort;

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
      order();
      save();
    });
  });

  // A row's values of a field: `data-services` holds several, `|`-separated;
  // "-" stands for "not set".
  function matches(row) {
    return selects.every((select) => !select.value ||
      (row.dataset[select.dataset.field] || '-').split('|').includes(select.value));
  }

  function filter() {
    let shown = 0;
    rows.forEach((row) => {
      row.hidden = !matches(row);
      if (!row.hidden) shown += 1;
    });
    if (count) {
      count.textContent = count.dataset.template
        .replace('{shown}', String(shown)).replace('{total}', String(rows.length));
    }
  }

  // Unknown values last in both directions; ties keep the page's order.
  function compare(a, b, numeric) {
    const x = a.dataset[sort.key] || '';
    const y = b.dataset[sort.key] || '';
    const tie = position.get(a) - position.get(b);
    if (!x || !y) return ((x ? 0 : 1) - (y ? 0 : 1)) || tie;
    const difference = numeric ? Number(x) - Number(y) : collator.compare(x, y);
    return (sort.descending ? -difference : difference) || tie;
  }

  function order() {
    const current = headers.find((th) => th.dataset.sort === sort.key);
    headers.forEach((th) => {
      if (th === current) th.setAttribute('aria-sort', sort.descending ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
    const numeric = current ? current.hasAttribute('data-numeric') : false;
    rows.slice().sort((a, b) => compare(a, b, numeric)).forEach((row) => body.appendChild(row));
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
  }

  function save() {
    const params = new URLSearchParams();
    selects.forEach((select) => { if (select.value) params.set(select.name, select.value); });
    if (sort.key !== defaultSort.key || sort.descending !== defaultSort.descending) {
      params.set('sort', (sort.descending ? '-' : '') + sort.key);
    }
    const hash = params.toString();
    if (hash === location.hash.slice(1)) return;
    try {
      history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
    } catch (error) {
      location.replace('#' + hash);
    }
  }

  form.addEventListener('change', () => { filter(); save(); });
  form.addEventListener('submit', (event) => event.preventDefault());
  // The form resets its selects after this event: read them on the next turn.
  form.addEventListener('reset', () => setTimeout(() => { filter(); save(); }));
  window.addEventListener('hashchange', () => { read(); filter(); order(); });

  read();
  form.hidden = false;
  filter();
  order();
}());
