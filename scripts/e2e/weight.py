"""Bytes of each page kind (the page, and with the styles, scripts and data
it loads) and of the search index; how fast the index page loads and how
long a search takes per keystroke, measured in the browser."""

import glob
import os
import statistics
import urllib.parse

from harness import site_url


def folder_bytes(folder, patterns):
    return sum(os.path.getsize(p) for pattern in patterns for p in glob.glob(os.path.join(folder, pattern)))


def loaded_bytes(browser, base, folder):
    """Bytes of the site files the page loaded (file:// only), from the network log."""
    _, network = browser.logs()
    paths = set()
    for event in network:
        if event["method"] == "Network.requestWillBeSent":
            url = event["params"]["request"]["url"].split("#")[0].split("?")[0]
            if url.startswith(base):
                paths.add(urllib.parse.unquote(url[len(base):]))
    return sum(os.path.getsize(os.path.join(folder, p)) for p in paths if os.path.isfile(os.path.join(folder, p)))


def measure(browser, base, site, kinds):
    """{kind: (page bytes, bytes with what it loads)} and the search index's bytes."""
    rows = {}
    for kind, path in kinds.items():
        browser.get(site_url(base, path))
        if kind == "search":
            browser.wait(lambda: browser.js("return !!document.getElementById('search-results').dataset.query"),
                         timeout=60, what="search results")
        file = os.path.join(site.folder, urllib.parse.unquote(path.split("?")[0]))
        rows[kind] = (os.path.getsize(file), loaded_bytes(browser, base, site.folder))
    index = {
        "search index, all files": folder_bytes(site.folder, ["data/search-index.js", "data/search/*"]),
        "search index, largest file": max(os.path.getsize(p) for p in
                                          glob.glob(os.path.join(site.folder, "data/search-index.js")) +
                                          glob.glob(os.path.join(site.folder, "data/search/*"))),
        "index data (data/index-rows.js)": folder_bytes(site.folder, ["data/index-rows.js"]),
    }
    return rows, index


TYPE_JS = """
const [query, done] = [arguments[0], arguments[arguments.length - 1]];
const input = document.getElementById('q');
const list = document.getElementById('search-results');
let longest = 0;
let observer = null;
try {
  observer = new PerformanceObserver((entries) => { for (const e of entries.getEntries()) longest = Math.max(longest, e.duration); });
  observer.observe({type: 'longtask'});
} catch (e) { /* no long-task timing */ }
performance.clearMeasures('search');
let typed = '';
const chars = Array.from(query);
function next() {
  if (!chars.length) {
    const wait = () => {
      if (list.dataset.query === query) {
        setTimeout(() => {
          if (observer) observer.disconnect();
          const searches = performance.getEntriesByName('search').map((e) => e.duration);
          done({longest, searches, results: list.querySelectorAll('li').length});
        }, 50);
      } else setTimeout(wait, 20);
    };
    return wait();
  }
  typed += chars.shift();
  input.value = typed;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  setTimeout(next, 150);
}
next();
"""


def timings(browser, base, site, query, runs=3):
    """Index load (navigation timing, median of runs), a filter's time, and typing `query` into search."""
    loads, ready, controls = [], [], []
    for _ in range(runs):
        browser.get(site_url(base, "index.html"))
        browser.wait(lambda: browser.js("return !document.getElementById('filters').hidden"), what="filters")
        nav = browser.js("const n = performance.getEntriesByType('navigation')[0];"
                         "const r = performance.getEntriesByName('index-ready')[0];"
                         "return [n.loadEventEnd, n.domContentLoadedEventEnd, r ? r.startTime : n.loadEventEnd];")
        loads.append(nav[0])
        ready.append(nav[1])
        controls.append(nav[2])
    year = site.ordered[len(site.ordered) // 2]["date"][:4]
    filter_ms = browser.js("""const s = document.getElementById('filter-year'); const t = performance.now();
        s.value = arguments[0]; s.dispatchEvent(new Event('change', {bubbles: true}));
        void document.querySelector('table.incidents').offsetHeight; return performance.now() - t;""", year)
    browser.get(site_url(base, "search.html"))
    typed = browser.driver.execute_async_script(TYPE_JS, query)
    return {
        "index load (ms)": statistics.median(loads),
        "index DOMContentLoaded (ms)": statistics.median(ready),
        "index: every row there, filters shown (ms)": statistics.median(controls),
        "filter by year (ms)": filter_ms,
        "search per keystroke, slowest (ms)": max(typed["searches"] or [0]),
        "longest task while typing (ms)": typed["longest"],
        "results": typed["results"],
    }


def table(title, rows, index):
    lines = [f"Weight of {title}:", f"  {'page kind':<18} {'page bytes':>12} {'with what it loads':>20}"]
    for kind, (page, total) in rows.items():
        lines.append(f"  {kind:<18} {page:>12,} {total:>20,}")
    for name, value in index.items():
        lines.append(f"  {name:<40} {value:>12,}")
    return "\n".join(lines)
