"""Benchmark: 50 signed-in users on the web app over the demo borough, for 60 s, on loopback only.

The script starts everything itself: it builds the demo (``placehub demo run --no-serve``) unless ``--home``
names an existing demo home (or ``--folder`` holds one built by an earlier run: it is reused), adds what the
pages read when the demo lacks it (area boundaries, the demo index, an outbreak scan of synthetic cases),
serves the app with uvicorn in a subprocess on a free 127.0.0.1 port, signs every user in (password, then a
purpose), and drives them with httpx for ``--seconds``:

    analysts: the dashboard, the match-review queue and one review item, the place map and its GeoJSON,
        the outbreak map and its GeoJSON;
    partner workers (taking turns with analysts, when the app has worklist pages): their worklist, the
        place map and its GeoJSON.

``--outcome-every S`` adds one more partner worker who records an outcome from their worklist page every S
seconds, "contacted" by default (``--outcome-status``): that moves the person off the open list, a write to
the vault, after which every page's remembered reads are read afresh — the measurement with writes, beside
the read-only one. (It changes the demo it runs on: a reused ``--folder`` has a few fewer people to contact.)
"unreachable" writes only the catalogue.

First one user requests each page five times alone (its own work, no queueing: "alone ms"). Then each
user is a closed loop with a think time between pages (``--think-ms``, seeded jitter ±50 %; 0 gives a
flat-out closed loop). The loop is bounded: it stops at the deadline or after ``--max-requests`` per user.
Anchor, measured in the same run under the same load: ``GET /api/health`` (no sign-in, no data) — the
server's floor, so page latencies read as "floor + the page's own work". Target: p95 ≤ 200 ms, no errors.

    .venv/bin/python bench/web_load.py [--home DEMO_HOME | --folder DIR] [--users 50] [--seconds 60]
                                       [--think-ms 1000] [--seed 1]

Prints p50/p95 per page and overall, and the server's own CPU time while measured (per request: its cost
whatever else the machine is doing); the last line is
``{"requests": …, "errors": …, "p50_ms": …, "p95_ms": …}``; writes bench/results/web_load.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import httpx
import numpy as np

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "bench" / "results" / "web_load.json"
HOST = "127.0.0.1"  # loopback only
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def placehub(*args: str, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLACEHUB_")}
    env["PLACEHUB_HOME"] = str(home)
    cmd = [sys.executable, "-c", "from placehub.cli import main; main()", *args]
    return subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=False)


def _tables(vault: Path) -> set[str]:
    if not vault.exists():
        return set()
    with duckdb.connect(str(vault), read_only=True) as con:
        return {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}


def prepare(home: Path | None, folder: Path | None) -> Path:
    """A demo home with what every page reads; builds the demo first when no home is given."""
    if home is None and folder is not None and (folder / "home" / "demo-credentials.txt").exists():
        print(f"reusing the demo in {folder}", flush=True)  # --folder: build once, measure many times
        home = folder / "home"
    if home is None:
        folder = folder or Path(tempfile.mkdtemp(prefix="placehub-web-load-"))
        print(f"building the demo in {folder} (placehub demo run --no-serve) …", flush=True)
        t = time.monotonic()
        r = placehub("demo", "run", "--no-serve", "--folder", str(folder), home=folder / "home")
        if r.returncode != 0:
            sys.exit(f"the demo did not build:\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}")
        print(f"  demo built in {time.monotonic() - t:.0f} s", flush=True)
        home = folder / "home"
    borough = home.parent / "borough"
    vault = home / "vault.duckdb"
    have = _tables(vault)
    steps = []
    if "areas" not in have:
        bounds = borough / "boundaries"
        steps.append(("geography load", ["geography", "load", "-b", str(bounds / "lsoa.geojson"),
                                         "-b", str(bounds / "ward.geojson")]))  # fmt: skip
    if "index_values" not in have:
        steps.append(("index build demo-spi", ["index", "build", "demo-spi", "--data-dir", str(borough)]))
    if "outbreak_alerts" not in have:
        cases = home.parent / "outbreak-cases.csv"
        gaz = str(borough / "gazetteer.csv")
        steps.append(
            ("outbreak demo-cases", ["outbreak", "demo-cases", "--gazetteer", gaz, "--out", str(cases)])
        )
        steps.append(("outbreak scan", ["outbreak", "scan", "--cases", str(cases), "--gazetteer", gaz,
                                        "--first-day", "2026-03-02"]))  # fmt: skip
    for name, args in steps:
        r = placehub(*args, home=home)
        print(f"  {name}: {'done' if r.returncode == 0 else 'FAILED (the page will be empty)'}", flush=True)
    return home


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLACEHUB_")}
    code = (
        "import uvicorn; from placehub.settings import get_settings; "
        "from placehub.web.app import create_app; "
        f"uvicorn.run(create_app(get_settings({str(home)!r})), host={HOST!r}, port={port}, "
        "log_level='warning')"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://{HOST}:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    proc.terminate()
    sys.exit("the web app did not start")


def demo_credentials(home: Path) -> dict[str, list[tuple[str, str]]]:
    """role → [(username, password)] from the demo's credentials file."""
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in (home / "demo-credentials.txt").read_text().splitlines()[1:]:
        username, _org, role, password = line.split("\t")
        out[role].append((username, password))
    if not out["analyst"]:
        sys.exit("the demo home has no analyst in demo-credentials.txt")
    return out


async def sign_in(client: httpx.AsyncClient, username: str, password: str, purpose: str | None) -> None:
    page = await client.get("/login")
    token = CSRF.search(page.text).group(1)
    r = await client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    if r.status_code != 303:
        raise RuntimeError(f"sign-in refused ({r.status_code})")
    if purpose:
        await choose_purpose(client, purpose)


async def choose_purpose(client: httpx.AsyncClient, purpose: str) -> None:
    token = CSRF.search((await client.get("/map")).text).group(1)
    await client.post("/purpose", data={"purpose": purpose, "csrf_token": token, "next": "/map"})


async def discover_partner(client: httpx.AsyncClient) -> tuple[list[tuple[str, str]], str | None]:
    """A partner worker's round: their worklist (the first cohort of the first purpose that has one), the
    place map and its GeoJSON; empty when the app has no worklist page."""
    index = await client.get("/worklists")
    if index.status_code != 200:
        return [], None
    select = index.text.split('id="purpose"', 1)[-1].split("</select>")[0]
    for purpose in re.findall(r'<option value="([^"]+)"', select):
        await choose_purpose(client, purpose)
        cohorts = re.findall(r'href="(/worklists/[^"/]+)"', (await client.get("/worklists")).text)
        if cohorts and (await client.get(cohorts[0])).status_code == 200:
            anchor = ("anchor: /api/health", "/api/health")
            steps = [("worklist", cohorts[0]), *await map_steps(client), anchor]
            return steps, purpose
    return [], None


async def map_steps(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    place = await client.get("/map")
    steps = [("place map", "/map")]
    if m := re.search(r'id="place-map"[^>]*data-url="([^"]+)"', place.text):
        steps.append(("place map GeoJSON", m.group(1).replace("&amp;", "&")))
    return steps


async def discover(client: httpx.AsyncClient) -> tuple[list[tuple[str, str]], str | None]:
    """An analyst's round, from what the app serves, and the purpose to work under: the first purpose under
    which a review item (the first of each source) can be shown."""
    steps: list[tuple[str, str]] = []
    purpose = None
    # the dashboard and the match review pages
    steps.append(("dashboard", "/"))
    review = await client.get("/review")
    steps.append(("review queue", "/review"))
    select = review.text.split('id="purpose"', 1)[-1].split("</select>")[0]
    purposes = re.findall(r'<option value="([^"]+)"', select)
    items, seen = [], set()
    for item, source in re.findall(r'href="(/review/\d+)">[^<]*</a></td><td>([^<]+)</td>', review.text):
        if source not in seen:
            seen.add(source)
            items.append(item)
    found = None
    for p in purposes:
        await choose_purpose(client, p)
        for i in items:
            if (await client.get(i)).status_code == 200:
                found = i
                break
        if found:
            purpose = p
            steps.append(("review item", found))
            break
    if not found:
        print("no review item can be shown under any purpose: the round leaves it out", flush=True)
    steps += await map_steps(client)
    outbreaks = await client.get("/outbreaks")
    steps.append(("outbreak map", "/outbreaks"))
    if m := re.search(r'id="outbreak-map"[^>]*data-url="([^"]+)"', outbreaks.text):
        steps.append(("outbreak map GeoJSON", m.group(1).replace("&amp;", "&")))
    steps.append(("anchor: /api/health", "/api/health"))
    return steps, purpose


@dataclass
class Round:
    """One kind of user: who signs in, under which purpose, and the pages they go round."""

    role: str
    credentials: list[tuple[str, str]]
    steps: list[tuple[str, str]] = field(default_factory=list)
    purpose: str | None = None


@dataclass
class Shared:
    """What the users share: the rounds (set by the probes), the clock, and the measurements."""

    base: str
    args: argparse.Namespace
    rounds: list[Round] = field(default_factory=list)
    deadline: float = 0.0
    signed_in: int = 0
    found: asyncio.Event = field(default_factory=asyncio.Event)
    start: asyncio.Event = field(default_factory=asyncio.Event)
    solo: dict[str, float] = field(default_factory=dict)  # one user alone: median ms per page
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    writes: list[float] = field(default_factory=list)  # ms per outcome recorded (--outcome-every)
    errors: dict[str, list] = field(default_factory=lambda: defaultdict(list))


async def solo_times(
    client: httpx.AsyncClient, steps: list[tuple[str, str]], rounds: int = 5
) -> dict[str, float]:
    """Each page's time with one user and nothing else from us: its own work, before any queueing."""
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for name, path in steps:
            t = time.perf_counter()
            await client.get(path)
            times[name].append((time.perf_counter() - t) * 1000)
    return {name: round(float(np.median(v)), 1) for name, v in times.items()}


async def user(n: int, run: Shared) -> None:
    rng = random.Random(run.args.seed * 1000 + n)
    # idle connections are dropped before uvicorn's 5 s keep-alive timeout closes them under our feet
    limits = httpx.Limits(keepalive_expiry=4.0)
    async with httpx.AsyncClient(base_url=run.base, timeout=30, limits=limits) as client:
        await run.found.wait()
        kind = run.rounds[n % len(run.rounds)]  # analysts and partner workers in turn
        credentials = kind.credentials[(n // len(run.rounds)) % len(kind.credentials)]
        await sign_in(client, *credentials, kind.purpose)
        run.signed_in += 1
        await run.start.wait()
        sent = 0
        i = rng.randrange(len(kind.steps))  # users start at different pages
        while time.monotonic() < run.deadline and sent < run.args.max_requests:
            name, path = kind.steps[i % len(kind.steps)]
            i += 1
            t = time.perf_counter()
            try:
                r = await client.get(path)
                problem = None if r.status_code == 200 else r.status_code
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            run.samples[name].append((time.perf_counter() - t) * 1000)
            sent += 1
            if problem is not None:
                run.errors[name].append(problem)
            if run.args.think_ms:
                await asyncio.sleep(run.args.think_ms * rng.uniform(0.5, 1.5) / 1000)


CASE_REF = re.compile(r'name="case_ref" value="([^"]+)"')


async def writer(run: Shared) -> None:
    """A partner worker recording an outcome every ``--outcome-every`` seconds (a vault write each time)."""
    await run.found.wait()
    kind = next((r for r in run.rounds if r.role == "partner_worker"), None)
    if kind is None:
        print("no worklist page: --outcome-every is ignored", flush=True)
        return
    page = next(path for name, path in kind.steps if name == "worklist")
    async with httpx.AsyncClient(base_url=run.base, timeout=30) as client:
        await sign_in(client, *kind.credentials[0], kind.purpose)
        await run.start.wait()
        n = 0
        while time.monotonic() + run.args.outcome_every < run.deadline:
            await asyncio.sleep(run.args.outcome_every)
            text = (await client.get(page)).text
            cases = CASE_REF.findall(text)
            token = CSRF.search(text)
            if not cases or token is None:
                continue
            form = {"case_ref": cases[n % len(cases)], "status": run.args.outcome_status, "note": "load test",
                    "csrf_token": token.group(1)}  # fmt: skip
            t = time.perf_counter()
            r = await client.post(page + "/outcomes", data=form)
            run.writes.append((time.perf_counter() - t) * 1000)
            if r.status_code != 303:
                run.errors["outcome recorded"].append(r.status_code)
            n += 1


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far (Linux /proc), or None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    return round(float(np.percentile(values, q)), 1) if values else 0.0


async def drive(
    base: str, credentials: dict[str, list[tuple[str, str]]], args: argparse.Namespace, server_pid: int
) -> tuple[Shared, float, float | None]:
    run = Shared(base, args)
    tasks = [asyncio.create_task(user(n, run)) for n in range(args.users)]
    writing = asyncio.create_task(writer(run)) if args.outcome_every else None
    probes = [("analyst", discover)]
    if credentials.get("partner_worker"):
        probes.append(("partner_worker", discover_partner))
    for role, find in probes:
        async with httpx.AsyncClient(base_url=base, timeout=30) as probe:
            await sign_in(probe, *credentials[role][0], None)
            steps, purpose = await find(probe)
            if not steps:
                continue  # e.g. no worklist page: every user is an analyst
            if purpose:
                await choose_purpose(probe, purpose)
            run.solo.update(await solo_times(probe, steps))
        run.rounds.append(Round(role, credentials[role], steps, purpose))
        pages = ", ".join(f"{name} ({path})" for name, path in steps)
        print(f"{role}: {pages}; purpose {purpose}", flush=True)
    run.found.set()
    # every user signs in before the clock starts (argon2 checks are not part of the measurement)
    while run.signed_in < args.users:
        if failed := [t for t in tasks if t.done() and t.exception()]:
            raise failed[0].exception()  # type: ignore[misc]
        await asyncio.sleep(0.2)
    began, cpu_began = time.monotonic(), cpu_seconds(server_pid)
    run.deadline = began + args.seconds
    run.start.set()
    await asyncio.gather(*tasks, *([writing] if writing else []))
    cpu_end = cpu_seconds(server_pid)
    server_cpu = None if cpu_began is None or cpu_end is None else cpu_end - cpu_began
    return run, time.monotonic() - began, server_cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--home", type=Path, help="an existing demo home (…/home, beside …/borough)")
    ap.add_argument("--folder", type=Path, help="where to build the demo (default: a temporary folder)")
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--think-ms", type=float, default=1000.0, help="pause between a user's pages (0: none)")
    ap.add_argument("--max-requests", type=int, default=10_000, help="per user: the loop's hard bound")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--outcome-every", type=float, default=0.0,
                    help="seconds between outcomes one more partner worker records (0: none)")  # fmt: skip
    ap.add_argument("--outcome-status", default="contacted", help="the outcome recorded (--outcome-every)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    args = ap.parse_args()

    home = prepare(args.home.resolve() if args.home else None, args.folder)
    credentials = demo_credentials(home)
    port = free_port()
    server = start_server(home, port)
    try:
        run, elapsed, server_cpu = asyncio.run(drive(f"http://{HOST}:{port}", credentials, args, server.pid))
    finally:
        server.terminate()
        server.wait(10)

    samples, errors = run.samples, run.errors
    every = [v for name, vals in samples.items() if not name.startswith("anchor") for v in vals]
    anchor = samples.get("anchor: /api/health", [])
    print(f"\n{args.users} users, {elapsed:.1f} s, think time {args.think_ms:.0f} ms ±50 %, "
          f"loopback {HOST}:{port}")  # fmt: skip
    print(f"{'page':<26}{'alone ms':>9}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    per_page = {}
    names = list(dict.fromkeys(name for r in run.rounds for name, _ in r.steps))
    names = [n for n in names if not n.startswith("anchor")] + [n for n in names if n.startswith("anchor")]
    for name in names:
        vals = samples.get(name, [])
        per_page[name] = {"alone_ms": run.solo.get(name), "requests": len(vals),
                          "errors": len(errors.get(name, [])),
                          "p50_ms": pct(vals, 50), "p95_ms": pct(vals, 95),
                          "max_ms": round(max(vals), 1) if vals else 0.0}  # fmt: skip
        p = per_page[name]
        print(f"{name:<26}{p['alone_ms']!s:>9}{p['requests']:>9}{p['errors']:>8}{p['p50_ms']:>9}"
              f"{p['p95_ms']:>9}{p['max_ms']:>9}")  # fmt: skip
    n_errors = sum(len(v) for k, v in errors.items() if not k.startswith("anchor"))
    summary = {"requests": len(every), "errors": n_errors, "p50_ms": pct(every, 50), "p95_ms": pct(every, 95)}
    print(f"anchor (GET /api/health under the same load): p50 {pct(anchor, 50)} ms, p95 {pct(anchor, 95)} ms")
    # the server's own CPU while measured: its cost per request, whatever else the machine was doing
    served = len(every) + len(anchor)
    cpu = None
    if server_cpu is not None and served:
        cpu = {"seconds": round(server_cpu, 1), "share_of_one_core": round(server_cpu / elapsed, 2),
               "ms_per_request": round(server_cpu * 1000 / served, 1)}  # fmt: skip
        print(
            f"server CPU: {cpu['seconds']} s in {elapsed:.0f} s ({cpu['share_of_one_core']:.0%} of one "
            f"core), {cpu['ms_per_request']} ms per request; load average {os.getloadavg()[0]:.1f}"
        )
    verdict = "meets" if summary["p95_ms"] <= 200 and n_errors == 0 else "misses"
    print(f"target p95 <= 200 ms with no errors: {verdict} "
          f"({summary['requests'] / elapsed:.0f} requests/s)")  # fmt: skip
    if run.writes:
        print(f"outcomes recorded (vault writes) during the run: {len(run.writes)}, "
              f"p50 {pct(run.writes, 50)} ms, max {max(run.writes):.0f} ms")  # fmt: skip
    if n_errors:
        print("errors:", {k: sorted(set(map(str, v))) for k, v in errors.items()})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        **summary, "users": args.users,
        "rounds": {r.role: [n for n, _ in r.steps] for r in run.rounds},
        "seconds": round(elapsed, 1), "think_ms": args.think_ms,
        "seed": args.seed, "pages": per_page, "outcome_every_s": args.outcome_every,
        "outcome_status": args.outcome_status if args.outcome_every else None,
        "outcomes_recorded": len(run.writes), "load_average": os.getloadavg(), "server_cpu": cpu,
        "anchor": {"name": "GET /api/health under the same load", "p50_ms": pct(anchor, 50),
                   "p95_ms": pct(anchor, 95)},
        "target": {"p95_ms": 200, "errors": 0, "met": verdict == "meets"},
    }, indent=2) + "\n")  # fmt: skip
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
