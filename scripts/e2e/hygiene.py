"""After a page loads: no console error, no request leaving the site, no
failed request, no broken image."""

ALLOWED_SCHEMES = ("data:", "blob:", "about:")

BROKEN_IMAGES_JS = """
return Array.from(document.images).filter((i) => i.complete && i.naturalWidth === 0)
  .map((i) => i.getAttribute('src'));
"""


def check_page(tally, browser, base, label):
    """Checks what the browser logged since the page was opened."""
    console, network = browser.logs()
    errors = [e["message"] for e in console if e.get("level") == "SEVERE"]
    tally.check(f"{label}: no console errors", not errors, "; ".join(errors[:3]))
    outside, failed = [], []
    for event in network:
        params = event.get("params", {})
        if event["method"] == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            if not url.startswith(base) and not url.startswith(ALLOWED_SCHEMES):
                outside.append(url)
        elif event["method"] == "Network.loadingFailed" and not params.get("canceled"):
            failed.append(params.get("errorText", "") + " " + params.get("requestId", ""))
        elif event["method"] == "Network.responseReceived":
            status = params.get("response", {}).get("status", 200)
            if status >= 400:
                failed.append(f"{status} {params['response'].get('url')}")
    tally.check(f"{label}: no request leaves the site", not outside, "; ".join(outside[:3]))
    tally.check(f"{label}: no failed request", not failed, "; ".join(failed[:3]))
    broken = browser.js(BROKEN_IMAGES_JS)
    tally.check(f"{label}: no broken image", not broken, "; ".join(broken[:3]))
