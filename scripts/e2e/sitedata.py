"""What a built site should show, computed from its own data/incidents.json:
the index's default order, what each filter and sort must leave, and the
pages worth visiting (one of each kind)."""

import json
import os
import re
from collections import Counter
from functools import cmp_to_key


class SiteData:
    def __init__(self, folder):
        self.folder = folder
        with open(os.path.join(folder, "data", "incidents.json"), encoding="utf-8") as f:
            self.incidents = json.load(f)
        self.by_url = {i["url"]: i for i in self.incidents}
        self.ordered = sorted(self.incidents, key=cmp_to_key(default_compare))

    # The index's filters: field name → the values of one incident.
    def values(self, incident, name):
        if name == "severity":
            return [incident["severity"]] if incident.get("severity") else []
        if name == "service":
            return list(incident.get("services") or [])
        if name == "category":
            causes = incident.get("causes") or []
            return [causes[0]["category"]] if causes and causes[0].get("category") else []
        if name == "year":
            return [incident["date"][:4]] if incident.get("date") else []
        if name == "status":
            return [incident["status"]]
        raise ValueError(name)

    def filtered(self, name, value):
        """The index's rows, in order, that the filter `name` = `value` leaves ("-": not set)."""
        if value == "-":
            return [i for i in self.ordered if not self.values(i, name)]
        return [i for i in self.ordered if value in self.values(i, name)]

    def sorted_by(self, key, descending, rank=None):
        """The rows sorted like the index: unknown values last either way, ties in the default order."""
        position = {i["id"]: n for n, i in enumerate(self.ordered)}

        def value(incident):
            if key == "date":
                return incident.get("date")
            if key == "ttr":
                minutes = incident.get("ttr_minutes")
                return None if minutes is None else int(round(minutes))
            if key in ("severityRank", "statusRank", "title"):
                return rank(incident)
            raise ValueError(key)

        def compare(a, b):
            x, y = value(a), value(b)
            tie = position[a["id"]] - position[b["id"]]
            if x is None or y is None or x == "" or y == "":
                return ((0 if x not in (None, "") else 1) - (0 if y not in (None, "") else 1)) or tie
            difference = (x > y) - (x < y)
            return (-difference if descending else difference) or tie

        return sorted(self.ordered, key=cmp_to_key(compare))

    def cause_counts(self):
        return Counter(key for i in self.incidents for key in (i.get("cause_keys") or []))

    def english_incident(self):
        return next(i for i in self.ordered if re.fullmatch(r"[\x20-\x7e]+", i["title"]))

    def japanese_incident(self):
        return next(i for i in self.ordered if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]{8}", i["title"]))


def default_compare(a, b):
    """Newest first; undated last; ties by id (bytes), like the generator."""
    x, y = a.get("date"), b.get("date")
    if x and y and x != y:
        return -1 if x > y else 1
    if not x and y:
        return 1
    if x and not y:
        return -1
    p, q = a["id"].encode(), b["id"].encode()
    return (p > q) - (p < q)


def english_word(title):
    """A word of five or more letters from an English title, the longest one."""
    words = sorted(re.findall(r"[A-Za-z]{5,}", title), key=lambda w: (-len(w), w))
    return words[0]


def japanese_word(title):
    """Four kanji or katakana from inside an unspaced Japanese title (not at its start)."""
    runs = [(m.start(), m.group()) for m in re.finditer(r"[\u30a0-\u30ff\u4e00-\u9fff]{4,}", title)]
    for start, run in runs:
        if start > 0:
            return run[:4]
    return runs[0][1][-4:]
