"""What a reader does: filter and sort the index, page through it, search,
follow an incident to its cause and back, read it in dark mode and print it."""

import time
import urllib.parse

from harness import site_url
from sitedata import english_word, japanese_word

ROWS_JS = """
const rows = Array.from(document.querySelectorAll('table.incidents tbody tr')).filter((r) => !r.hidden);
return rows.map((r) => { const a = r.querySelector('td:nth-child(2) a'); return a ? a.getAttribute('href') : ''; });
"""

STATE_JS = """
const table = document.querySelector('table.incidents');
const count = document.getElementById('filter-count');
const visible = Array.from(table.tBodies[0].rows).filter((r) => !r.hidden).length;
return {pageSize: Number(table.dataset.pageSize || 0) || null,
        shown: count && count.dataset.shown ? Number(count.dataset.shown) : visible,
        ready: !!(document.getElementById('filters') && !document.getElementById('filters').hidden)};
"""


def index_rows(browser):
    return browser.js(ROWS_JS)


def expect_rows(tally, browser, name, expected, site):
    """The visible rows are the first page of `expected` and the count says how many match."""
    state = browser.js(STATE_JS)
    shown = [site.by_url.get(url, {"id": url}).get("id") for url in index_rows(browser)]
    size = state["pageSize"] or len(expected)
    want = [i["id"] for i in expected[:size]]
    tally.check(f"{name}: {len(expected)} rows match", state["shown"] == len(expected),
                f"count says {state['shown']}, expected {len(expected)}")
    return tally.check(f"{name}: rows and their order", shown == want,
                       f"first rows {shown[:6]}…, expected {want[:6]}…")


def open_index(browser, base, hash_=""):
    browser.get(site_url(base, "index.html") + hash_)
    browser.wait(lambda: browser.js(STATE_JS)["ready"], what="the index's filters")


def check_index(tally, browser, base, site):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    tally.section = "index"
    with tally.case("default order"):
        open_index(browser, base)
        expect_rows(tally, browser, "default order (newest first)", site.ordered, site)
    for name in ("severity", "service", "category", "year", "status"):
        with tally.case(f"filter {name}"):
            select = browser.driver.find_elements(By.ID, f"filter-{name}")
            if not tally.check(f"filter {name} present", bool(select)):
                continue
            values = [o.get_attribute("value") for o in Select(select[0]).options if o.get_attribute("value")]
            # The most and least common values, and "not set" when offered.
            sizes = sorted(values, key=lambda v: (-len(site.filtered(name, v)), v))
            picks = list(dict.fromkeys(sizes[:2] + sizes[-1:] + (["-"] if "-" in values else [])))
            for value in picks:
                Select(browser.driver.find_element(By.ID, f"filter-{name}")).select_by_value(value)
                expect_rows(tally, browser, f"{name} = {value}", site.filtered(name, value), site)
                key = urllib.parse.parse_qs(browser.js("return location.hash.slice(1)")).get(name)
                tally.check(f"{name} = {value} kept in the URL", key == [value], f"hash {key}")
            browser.driver.find_element(By.CSS_SELECTOR, "#filters button[type=reset]").click()
            time.sleep(0.1)
            expect_rows(tally, browser, f"{name} reset", site.ordered, site)
    with tally.case("two filters and a link to them"):
        incident = site.ordered[0]
        year, status = incident["date"][:4], incident["status"]
        open_index(browser, base, f"#year={year}&status={status}")
        both = [i for i in site.filtered("year", year) if i["status"] == status]
        expect_rows(tally, browser, f"#year={year}&status={status} from the URL", both, site)
    check_sorting(tally, browser, base, site)


def check_sorting(tally, browser, base, site):
    from selenium.webdriver.common.by import By
    open_index(browser, base)
    options = lambda name: [o for o in browser.js(
        f"return Array.from(document.querySelectorAll('#filter-{name} option')).map((o) => o.value)") if o and o != "-"]
    severity_rank = {v: n for n, v in enumerate(options("severity"))}
    status_rank = {v: n for n, v in enumerate(options("status"))}
    titles = browser.js("""const c = new Intl.Collator(document.documentElement.lang || undefined, {numeric: true});
        return arguments[0].slice().sort(c.compare);""", sorted({i["title"] for i in site.incidents}))
    title_rank = {t: n for n, t in enumerate(titles)}
    ranks = {
        "severityRank": lambda i: severity_rank.get(i.get("severity")) if i.get("severity") else None,
        "statusRank": lambda i: status_rank.get(i["status"]),
        "title": lambda i: title_rank[i["title"]],
    }
    for key in ("date", "title", "severityRank", "ttr", "statusRank"):
        with tally.case(f"sort by {key}"):
            for descending in (False, True):
                # The first click on a column sorts it ascending, the next descending;
                # the date column starts descending, so its first click is ascending too.
                browser.driver.find_element(By.CSS_SELECTOR, f'th[data-sort="{key}"] button').click()
                aria = browser.js(f"return document.querySelector('th[data-sort=\"{key}\"]').getAttribute('aria-sort')")
                tally.check(f"sort by {key} {'desc' if descending else 'asc'}: aria-sort",
                            aria == ("descending" if descending else "ascending"), f"aria-sort={aria}")
                expect_rows(tally, browser, f"sort by {key} {'desc' if descending else 'asc'}",
                            site.sorted_by(key, descending, ranks.get(key)), site)
            hash_ = browser.js("return location.hash")
            # Newest first is the default: its link needs no sort.
            wanted = "sort=" not in hash_ if key == "date" else f"sort=-{key}" in hash_
            tally.check(f"sort by {key} kept in the URL", wanted, hash_)


def check_paging(tally, browser, base, site):
    """Only for a site with more incidents than one page holds."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    tally.section = "paging"
    with tally.case("first page without JavaScript"):
        browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        try:
            browser.get(site_url(base, "index.html"))
            plain = index_rows(browser)
        finally:
            browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        open_index(browser, base)
        state = browser.js(STATE_JS)
        size = state["pageSize"]
        if not tally.check("the table has a page size", bool(size) and size < len(site.ordered),
                           f"pageSize={size}, {len(site.ordered)} incidents"):
            return
        tally.check("without JavaScript: the newest page, as the script shows it", plain == index_rows(browser),
                    f"{len(plain)} rows without JS")
        tally.check("without JavaScript: rows are the first page", len(plain) == size)
    with tally.case("next and previous page"):
        browser.driver.find_element(By.CSS_SELECTOR, '#index-pager button[data-page="next"]').click()
        ids = [site.by_url[u]["id"] for u in index_rows(browser)]
        tally.check("page 2 holds the next rows", ids == [i["id"] for i in site.ordered[size:2 * size]], str(ids[:3]))
        tally.check("page 2 kept in the URL", "page=2" in browser.js("return location.hash"))
        last = browser.driver.find_element(By.CSS_SELECTOR, '#index-pager button[data-page="last"]')
        last.click()
        pages = -(-len(site.ordered) // size)
        ids = [site.by_url[u]["id"] for u in index_rows(browser)]
        tally.check("the last page", ids == [i["id"] for i in site.ordered[(pages - 1) * size:]], str(ids[:3]))
        browser.driver.find_element(By.CSS_SELECTOR, '#index-pager button[data-page="previous"]').click()
        ids = [site.by_url[u]["id"] for u in index_rows(browser)]
        tally.check("previous page", ids == [i["id"] for i in site.ordered[(pages - 2) * size:(pages - 1) * size]])
    with tally.case("a filter goes back to page 1"):
        value = site.ordered[-1]["date"][:4]
        Select(browser.driver.find_element(By.ID, "filter-year")).select_by_value(value)
        expect_rows(tally, browser, f"paged: year = {value}", site.filtered("year", value), site)
    with tally.case("sort across pages"):
        open_index(browser, base, "#sort=ttr&page=3")
        expected = site.sorted_by("ttr", False)
        ids = [site.by_url[u]["id"] for u in index_rows(browser)]
        tally.check("page 3 of the rows sorted by time to recover",
                    ids == [i["id"] for i in expected[2 * size:3 * size]], str(ids[:3]))


FIX_ITEMS_JS = "return document.querySelectorAll('main li.fix').length;"
NEXT_PAGE_JS = """
const nav = document.querySelector('nav.page-links');
const next = nav && nav.querySelector('.page-numbers').nextElementSibling;
return next && next.tagName === 'A' ? next.getAttribute('href') : null;
"""


def group_rows(browser):
    """The visible rows of a group page, as site-root links (its rows link from its folder)."""
    return [u[3:] if u.startswith("../") else u for u in index_rows(browser)]


def check_group_paging(tally, browser, base, site):
    """A busy group page (the commonest cause category) pages like the index:
    the newest rows without JavaScript, the others through filters.js and its
    rows file. Then the action items: every item of a status too long for
    action-items.html is on its list pages."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select
    tally.section = "group paging"
    counts = {}
    for incident in site.incidents:
        for category in {c.get("category") for c in incident.get("causes") or [] if c.get("category")}:
            counts[category] = counts.get(category, 0) + 1
    category, _ = max(counts.items(), key=lambda kv: (kv[1], kv[0]))
    members = [i for i in site.ordered if any(c.get("category") == category for c in i.get("causes") or [])]
    path = f"categories/{category}.html"
    with tally.case(f"{path}: first page without JavaScript"):
        browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
        try:
            browser.get(site_url(base, path))
            plain = group_rows(browser)
        finally:
            browser.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})
        browser.get(site_url(base, path))
        size = browser.js(STATE_JS)["pageSize"]
        if not tally.check(f"{path}: {len(members)} incidents in pages of {size}", bool(size) and size < len(members),
                           f"pageSize={size} (a corpus of 500 or more has a category of more than one page)"):
            return
        browser.wait(lambda: browser.js(STATE_JS)["ready"], what="the group page's filters")
        want = [i["url"] for i in members[:size]]
        tally.check(f"{path}: without JavaScript, the newest {size}", plain == want, f"{plain[:3]} vs {want[:3]}")
        tally.check(f"{path}: the script's first page is the same rows", group_rows(browser) == want)
    with tally.case(f"{path}: next page and a filter"):
        browser.driver.find_element(By.CSS_SELECTOR, '#index-pager button[data-page="next"]').click()
        tally.check(f"{path}: page 2 holds the next rows",
                    group_rows(browser) == [i["url"] for i in members[size:2 * size]], str(group_rows(browser)[:3]))
        select = Select(browser.driver.find_element(By.ID, "filter-severity"))
        values = [o.get_attribute("value") for o in select.options if o.get_attribute("value") not in ("", "-")]
        value = min(values, key=lambda v: (sum(1 for i in members if i.get("severity") == v), v))
        select.select_by_value(value)
        expected = [i for i in members if i.get("severity") == value]
        state = browser.js(STATE_JS)
        tally.check(f"{path}: severity = {value} leaves {len(expected)}", state["shown"] == len(expected),
                    f"count says {state['shown']}")
        tally.check(f"{path}: its rows, newest first", group_rows(browser) == [i["url"] for i in expected[:size]])
    with tally.case("action items: every item of a long list is on its pages"):
        browser.get(site_url(base, "action-items.html"))
        lists = browser.js("""return Array.from(document.querySelectorAll('section.status-group')).map((s) => {
            const more = s.querySelector('p.more-items a');
            return {id: s.querySelector('h3').id, count: Number(s.querySelector('h3 .muted').textContent.replace(/[^0-9]/g, '')),
                    more: more ? more.getAttribute('href') : null};});""")
        long_lists = [entry for entry in lists if entry["more"]]
        if not tally.check("action items: some list has its own pages", bool(long_lists), str(lists)):
            return
        for entry in long_lists:
            # Page to page as a reader goes: the pager's Next link, until it has none.
            folder = entry["more"].rsplit("/", 1)[0] + "/"
            pages, page, total = [], entry["more"].split("/")[-1], 0
            while page and page not in pages and len(pages) < 1000:
                pages.append(page)
                browser.get(site_url(base, folder + page))
                total += browser.js(FIX_ITEMS_JS)
                page = browser.js(NEXT_PAGE_JS)
            tally.check(f"action items: {entry['id']}: {entry['count']} items on {len(pages)} pages",
                        total == entry["count"], f"found {total}")


def search(browser, base, query, typed=False):
    """Runs a search (from the URL, or typed into the box) and returns the result links."""
    from selenium.webdriver.common.by import By
    if typed:
        browser.get(site_url(base, "search.html"))
        box = browser.driver.find_element(By.ID, "q")
        box.send_keys(query)
    else:
        browser.get(site_url(base, "search.html") + "?q=" + urllib.parse.quote(query))
    browser.wait(lambda: browser.js("return document.getElementById('search-results').dataset.query") == query,
                 timeout=20, what=f"the results for {query!r}")
    return browser.js("return Array.from(document.querySelectorAll('#search-results a.result-title'))"
                      ".map((a) => a.getAttribute('href'))")


def check_search(tally, browser, base, site):
    tally.section = "search"
    english = site.english_incident()
    japanese = site.japanese_incident()
    key, count = site.cause_counts().most_common(1)[0]
    with_key = {i["url"] for i in site.incidents if key in (i.get("cause_keys") or [])}
    cases = [
        ("an English word", english_word(english["title"]), {english["url"]}, False),
        ("a Japanese word inside unspaced text", japanese_word(japanese["title"]), {japanese["url"]}, True),
        ("a cause key", key, with_key, False),
    ]
    for label, query, wanted, typed in cases:
        with tally.case(f"{label}: {query}"):
            found = search(browser, base, query, typed=typed)
            total = int(browser.js("return document.getElementById('search-results').dataset.count || -1"))
            if len(wanted) <= len(found) or len(found) < 50:
                missing = wanted - set(found)
                tally.check(f"{label} ({query!r}{', typed' if typed else ''}) finds {len(wanted)}",
                            not missing, f"missing {sorted(missing)[:5]}; found {found[:5]}")
            else:  # more than the 50 shown: they come first, and the count says all
                tally.check(f"{label} ({query!r}) shows {len(found)} of its {len(wanted)} first",
                            set(found) <= wanted, f"others: {sorted(set(found) - wanted)[:5]}")
                tally.check(f"{label} ({query!r}) counts {len(wanted)} or more", total >= len(wanted), f"count {total}")
            if found:
                tally.check(f"{label}: results link to incident pages", all(u.startswith("incidents/") for u in found))
    with tally.case("nothing found"):
        found = search(browser, base, "zzqxjv")
        tally.check("a word in no postmortem finds nothing", found == [], str(found[:3]))


def check_navigation(tally, browser, base, site):
    from selenium.webdriver.common.by import By
    tally.section = "navigation"
    key, _ = site.cause_counts().most_common(1)[0]
    incident = next(i for i in site.ordered if key in (i.get("cause_keys") or []))
    with tally.case("incident → cause → incident"):
        browser.get(site_url(base, incident["url"]))
        start = browser.driver.current_url
        links = browser.driver.find_elements(By.CSS_SELECTOR, f'main a[href$="causes/{key}.html"]')
        if not tally.check(f"{incident['id']} links to its cause {key}", bool(links)):
            return
        links[0].click()
        browser.wait_ready()
        tally.check("the cause page opens", browser.driver.current_url.endswith(f"causes/{key}.html"),
                    browser.driver.current_url)
        tally.check("the cause page names the key", key in browser.js("return document.body.innerText"))
        back = browser.driver.find_elements(By.CSS_SELECTOR, f'main a[href$="{incident["url"].split("/")[-1]}"]')
        if tally.check("the cause page links back to the incident", bool(back)):
            back[0].click()
            browser.wait_ready()
            tally.check("the link leads back", browser.driver.current_url == start, browser.driver.current_url)
        browser.driver.back()
        browser.wait_ready()
        tally.check("Back returns to the cause page", browser.driver.current_url.endswith(f"causes/{key}.html"))
        browser.driver.back()
        browser.wait_ready()
        tally.check("Back again returns to the incident", browser.driver.current_url == start)


def luminance(css):
    parts = [float(x) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3]]
    return sum(w * c / 255 for w, c in zip((0.2126, 0.7152, 0.0722), parts))


def check_media(tally, browser, base, site):
    tally.section = "media"
    style = """const s = getComputedStyle(document.body); const nav = document.querySelector('.site-header nav');
        return {bg: s.backgroundColor, fg: s.color, nav: nav ? getComputedStyle(nav).display : 'none'};"""
    for page in ("index.html", site.ordered[0]["url"], "trends.html"):
        with tally.case(f"{page}: colour schemes and print"):
            browser.get(site_url(base, page))
            browser.media(scheme="light")
            light = browser.js(style)
            browser.media(scheme="dark")
            dark = browser.js(style)
            browser.media(media="print", scheme="dark")
            printed = browser.js(style)
            browser.media()
            tally.check(f"{page}: light scheme is light", luminance(light["bg"]) > 0.8 and luminance(light["fg"]) < 0.3,
                        str(light))
            tally.check(f"{page}: dark scheme is dark", luminance(dark["bg"]) < 0.2 and luminance(dark["fg"]) > 0.7,
                        str(dark))
            tally.check(f"{page}: print is black on white without the navigation",
                        luminance(printed["bg"]) > 0.95 and luminance(printed["fg"]) < 0.1 and printed["nav"] == "none",
                        str(printed))
