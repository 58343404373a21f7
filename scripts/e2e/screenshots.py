"""docs/screenshots/*.png from the built sample: 1280×900 pages and a
390-pixel-wide phone, the pictures the README shows."""

import os
import urllib.parse

from harness import Browser, log, site_url


def take(site, base, folder):
    os.makedirs(folder, exist_ok=True)
    incident = next((i for i in site.incidents if i["id"] == "INC-2024-002"), None) or site.japanese_incident()
    key, _ = site.cause_counts().most_common(1)[0]
    desktop = [
        ("index.png", "index.html", None),
        ("incident-ja.png", incident["url"], None),
        ("cause.png", f"causes/{key}.html", None),
        ("recurrences.png", "recurrences.html", None),
        ("action-items.png", "action-items.html", None),
        ("search.png", "search.html?q=" + urllib.parse.quote("接続プール"), "#search-results li"),
        ("trends.png", "trends.html", None),
        ("trends-charts.png", "trends.html", "figure.chart-figure"),
    ]
    browser = Browser(1280, 900)
    try:
        for name, path, scroll_to in desktop:
            shoot(browser, base, path, scroll_to, os.path.join(folder, name))
    finally:
        browser.close()
    phone = Browser(390, 844, mobile=True)
    try:
        shoot(phone, base, incident["url"], None, os.path.join(folder, "incident-phone.png"))
        shoot(phone, base, "index.html", None, os.path.join(folder, "index-phone.png"))
    finally:
        phone.close()


def shoot(browser, base, path, scroll_to, target):
    browser.get(site_url(base, path))
    if "search.html" in path:
        browser.wait(lambda: browser.js("return !!document.getElementById('search-results').dataset.query"),
                     timeout=20, what="search results")
    if scroll_to:
        browser.js("const e = document.querySelector(arguments[0]); if (e) e.scrollIntoView({block: 'start'});"
                   "window.scrollBy(0, -12);", scroll_to)
    browser.media(scheme="light")
    browser.driver.save_screenshot(target)
    log(f"screenshot {os.path.relpath(target)}")
