"""The page kinds of a site, one page of each, found in the built folder."""

import glob
import os
import urllib.parse

from sitedata import japanese_word


def first(folder, pattern, skip=("index.html",)):
    paths = sorted(p for p in glob.glob(os.path.join(folder, pattern)) if os.path.basename(p) not in skip)
    return os.path.relpath(paths[0], folder).replace(os.sep, "/") if paths else None


def page_kinds(site):
    """kind → path (relative to the site root, maybe with a query)."""
    key, _ = site.cause_counts().most_common(1)[0]
    cause = next((p for p in (f"causes/{key}.html",) if os.path.exists(os.path.join(site.folder, p))),
                 first(site.folder, "causes/*.html"))
    kinds = {
        "index": "index.html",
        "incident (en)": site.english_incident()["url"],
        "incident (ja)": site.japanese_incident()["url"],
        "cause": cause,
        "cause index": "causes/index.html",
        "category": first(site.folder, "categories/*.html"),
        "service index": "services/index.html",
        "service": first(site.folder, "services/*.html"),
        "tag": first(site.folder, "tags/*.html"),
        "action items": "action-items.html",
        "action item list": first(site.folder, "action-items/*.html"),
        "trends": "trends.html",
        "recurrences": "recurrences.html",
        "search": "search.html?q=" + urllib.parse.quote(japanese_word(site.japanese_incident()["title"])),
    }
    return {kind: path for kind, path in kinds.items() if path}
