"""axe-core (bundled by PyPI's axe-selenium-python) on every page kind, in
the light and the dark colour scheme: no serious or critical violation.
Every chart and strip drawn as SVG has a text alternative, and every chart
of the trends page its data table."""

from harness import site_url

CHART_JS = """
const problems = [];
document.querySelectorAll('svg').forEach((svg) => {
  if (svg.closest('[aria-hidden="true"]')) return;
  const labelled = (svg.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
    .map((id) => (document.getElementById(id) || {}).textContent || '').join(' ').trim();
  const name = (svg.getAttribute('aria-label') || '').trim() || labelled;
  // An image, or with its own role when its marks are links (an image's children are not reachable).
  const role = svg.getAttribute('role');
  const linked = !!svg.querySelector('a');
  if (!name || role !== (linked ? null : 'img')) problems.push((svg.id || svg.className.baseVal) + ': role ' + role + ', name ' + JSON.stringify(name));
});
const figures = Array.from(document.querySelectorAll('figure.chart-figure'));
figures.forEach((figure) => {
  const rows = figure.querySelectorAll('table tbody tr').length;
  if (!figure.querySelector('svg')) problems.push(figure.id + ': no chart');
  if (!rows) problems.push(figure.id + ': no data table rows');
});
return {problems, figures: figures.length, svgs: document.querySelectorAll('svg').length};
"""


def check(tally, browser, base, kinds):
    from axe_selenium_python import Axe
    tally.section = "accessibility"
    for kind, path in kinds.items():
        with tally.case(f"{kind}: axe"):
            browser.get(site_url(base, path))
            if kind == "search":
                browser.wait(lambda: browser.js("return !!document.getElementById('search-results').dataset.query"),
                             timeout=20, what="search results")
            for scheme in ("light", "dark"):
                browser.media(scheme=scheme)
                Axe(browser.driver).inject()
                version = browser.js("return axe.version")
                # axe-core 3 (axe-selenium-python 2) flags valid HTML, such as <div> groups in <dl>.
                if not tally.check(f"axe-core 4 or later (axe-selenium-python 3; have {version})",
                                   int(version.split(".")[0]) >= 4, "run scripts/ensure-deps --test"):
                    return
                result = browser.driver.execute_async_script(
                    "const done = arguments[arguments.length - 1];"
                    "axe.run(document, {resultTypes: ['violations']}).then((r) => done(r.violations));")
                bad = [v for v in result if v.get("impact") in ("serious", "critical")]
                detail = "\n     ".join(
                    f"{v['id']} ({v['impact']}): {v['help']} — " +
                    "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                              for n in v["nodes"][:4]) + (f" (+{len(v['nodes']) - 4})" if len(v["nodes"]) > 4 else "")
                    for v in bad)
                tally.check(f"{kind} ({path}, {scheme}): no serious or critical axe violations", not bad, detail)
            browser.media()
            charts = browser.js(CHART_JS)
            tally.check(f"{kind}: every chart has a text alternative and its data table", not charts["problems"],
                        "; ".join(charts["problems"][:5]))
            if kind == "trends":
                tally.check("trends: has charts", charts["figures"] >= 1, str(charts))
