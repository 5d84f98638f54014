"""The benchmark's table: every measured row, then issue 9's targets with PASS/MISS, as Markdown and JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path


def _find(rows, system, op, data_prefix=None):
    for r in rows:
        if (
            r["system"] == system
            and r["op"] == op
            and (data_prefix is None or str(r.get("data", "")).startswith(data_prefix))
        ):
            return r
    return None


def _fmt(v, digits=1):
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.{digits}f}"
    return str(v)


def _ms(row, key):
    """A latency cell: "> 20,000" when requests were abandoned at the timeout (a lower bound)."""
    v = row.get(key)
    if v is None:
        return "–"
    return ("> " if row.get(key.replace("_ms", "_over")) else "") + _fmt(float(v))


def targets(results: dict) -> list[dict]:
    rows = results["rows"]
    floor = _find(rows, "floor", "hello")
    peer_rows = [r for r in rows if r["system"] == "peer"]
    peer_big = max(
        (r.get("data", "") for r in peer_rows), key=lambda d: int(d.split()[0].replace(",", "")), default=""
    )
    peer_small = min(
        (r.get("data", "") for r in peer_rows), key=lambda d: int(d.split()[0].replace(",", "")), default=""
    )
    s = {r["op"]: r for r in rows if r["system"] == "sanfang"}
    out = []

    def add(name, target, measured, ok, note=""):
        out.append(
            {
                "target": name,
                "wanted": target,
                "measured": measured,
                "result": "PASS" if ok else "MISS",
                "note": note,
            }
        )

    def ratio(a, b):
        return a / b if a is not None and b else None

    board = s.get("public board")
    if board and floor:
        r = ratio(board["median_ms"], floor["median_ms"])
        add("public board: median vs floor", "≤ 5×", f"{r:.1f}×", r <= 5)
        q = board.get("queries")
        add(
            "public board: queries",
            "≤ 15",
            str(q),
            isinstance(q, int) and q <= 15,
            "independent of history: tests",
        )

    def vs_peer(name, ours, theirs, limit, note=""):
        # The peer's median may be a lower bound (requests abandoned at the timeout): the ratio is then at most.
        r = ratio(ours["median_ms"], theirs["median_ms"])
        over = theirs.get("median_over")
        note = "; ".join(x for x in (note, "peer's median is a lower bound (timeout)" if over else "") if x)
        add(name, f"≤ {limit}×", f"{'< ' if over else ''}{r:.2f}×", r <= limit, note)

    peer_case = _find(rows, "peer", "public case", peer_big)
    if s.get("public case") and peer_case:
        vs_peer("public case view vs peer's public ticket view", s["public case"], peer_case, 0.5)
    peer_sub = _find(rows, "peer", "anonymous submission", peer_big)
    if s.get("anonymous submission") and peer_sub:
        vs_peer("anonymous submission (photo) vs peer's", s["anonymous submission"], peer_sub, 0.7)
    peer_list = _find(rows, "peer", "staff list", peer_small)
    if s.get("staff list") and peer_list:
        vs_peer(f"staff list at {s['staff list'].get('data')} vs peer's at {peer_small}", s["staff list"], peer_list,
                0.25, "queries constant: tests")  # fmt: skip
    for op in ("REST one", "REST list"):
        if s.get(op) and floor:
            r = ratio(s[op]["median_ms"], floor["median_ms"])
            add(
                f"{op}: median vs floor",
                "≤ 5×",
                f"{r:.1f}×",
                r <= 5,
                f"{s[op].get('queries')} queries, constant: tests",
            )
        small, big = _find(rows, "peer", op, peer_small), _find(rows, "peer", op, peer_big)
        if small and big and small is not big:
            add(f"{op}: peer's queries {peer_small} → {peer_big}", "(grow)", f"{small.get('queries')} → {big.get('queries')}",
                True, "informative")  # fmt: skip
    cold, warm = s.get("street overview (cold)"), s.get("street overview (warm)")
    if cold:
        add(
            "street overview of a year, cold",
            "≤ 300 ms",
            f"{cold['median_ms']:.0f} ms",
            cold["median_ms"] <= 300,
        )
    if warm:
        add(
            "street overview of a year, warm",
            "≤ 30 ms",
            f"{warm['median_ms']:.1f} ms",
            warm["median_ms"] <= 30,
        )
    for op in ("public board", "public case", "staff list", "REST one", "REST list", "anonymous submission"):
        if s.get(op) and s[op].get("median_over"):
            add(f"{op}: answered within the timeout", f"≤ {s[op]['timeout_s']:g} s", "no", False)
    tally = s.get("tally of a round")
    if tally:
        add(
            f"tally of a round ({tally.get('data')})",
            "≤ 1 s",
            f"{tally['median_ms'] / 1000:.2f} s",
            tally["median_ms"] <= 1000,
        )
    if board and floor and board.get("rps") and floor.get("rps"):
        r = board["rps"] / floor["rps"]
        add(
            f"public boards under load ({results['clients']} clients): errors",
            "0",
            str(board.get("load_errors")),
            board.get("load_errors") == 0,
        )
        add("public boards under load: throughput vs floor", "≥ 40%", f"{r * 100:.0f}%", r >= 0.4)
    peaks = [r.get("peak_rss_mb") for r in rows if r["system"] == "sanfang" and r.get("peak_rss_mb")]
    if peaks:
        add("peak memory per web worker", "≤ 200 MB", f"{max(peaks):.0f} MB", max(peaks) <= 200)
    return out


def write(results: dict, folder: Path) -> str:
    if "targets" not in results:
        results["targets"] = targets(results)
    a = results.get("args", {})
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Benchmark — {results['scale']} scale on {results['db']} ({when})",
        "",
        f"**Scale: {results['scale']}** ({results.get('discover', {}).get('cases_total', 0):,} cases) on "
        f"{results['db']}. gunicorn, {results['workers']} sync workers per system; {results['machine']['cpus']} "
        f"CPUs shared with other sessions: load average before {results['machine']['load_before'][0]:.1f}, after "
        f"{results['machine']['load_after'][0]:.1f} (each row's load average at its start is in the table); whole "
        f"run {results.get('elapsed_s', 0) / 60:.0f} min. Floor, peer and Sanfang were measured in this one run."
        + _peer_load(results.get("peer") or {}),
        "",
    ]
    if results.get("command"):
        lines += [f"Command: `{results['command']}`.", ""]
    build = results.get("build")
    if build:
        t = build["timings"]
        la = build.get("loadavg")
        lines.append(
            f"Data set built in {t['total']:,.0f} s wall ({', '.join(f'{k} {v} s' for k, v in t.items() if k != 'total')}"
            f"; migrations {build.get('migrate_s')} s before that)"
            + (f", load average {la[0]:.1f} → {la[1]:.1f} while it ran" if la else "")
            + (" — by an earlier run; this one reused it (`--reuse`)" if build.get("reused") else "")
            + "."
        )
        lines.append("")
        lines.append("Rows: " + ", ".join(f"{k} {v:,}" for k, v in build["counts"].items()) + ".")
        lines.append("")
    lines += [
        "## Targets (issue 9)",
        "",
        "| Target | Wanted | Measured | Result | Note |",
        "|---|---|---|---|---|",
    ]
    for t in results["targets"]:
        lines.append(f"| {t['target']} | {t['wanted']} | {t['measured']} | **{t['result']}** | {t['note']} |")
    lines += [
        "",
        "## Measurements",
        "",
        f"Sequential: one keep-alive client, median and p95 over n timed requests (after up to 3 warm-ups), the "
        f"loop bounded to {a.get('budget', 30):g} s per operation (at least one request); a request without an "
        f'answer after {a.get("timeout", 20):g} s is abandoned and counted as "> {a.get("timeout", 20):g} s", '
        'so a median shown as "> …" is a lower bound. Load: wrk, '
        f"{results['clients']} connections over loopback for {a.get('seconds', 10)} s ({a.get('board_seconds', 30)} s "
        "for the floor and the public board); Req/s counts answered requests, errors = non-2xx/3xx + "
        "connect/write/timeout errors. Queries: every statement of one warm request through the test client, "
        f'stopped after {a.get("query_budget", 30):g} s ("> N": N statements sent by then). After an operation with '
        "abandoned requests or a load test's backlog the server is restarted before the next one.",
        "",
        "| System | Operation | Data | Median ms | p95 ms | n | Timeouts | Req/s | Answered | Load errors | Queries "
        "| Peak RSS/worker MB | Load avg |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["rows"]:
        lines.append(
            f"| {r['system']} | {r['op']} | {r.get('data', '')} | {_ms(r, 'median_ms')} | {_ms(r, 'p95_ms')} "
            f"| {r.get('n', '')} | {_fmt(r.get('timeouts'))} | {_fmt(r.get('rps'))} | {_fmt(r.get('load_requests'))} "
            f"| {_fmt(r.get('load_errors'))} | {_fmt(r.get('queries'))} | {_fmt(r.get('peak_rss_mb'), 0)} "
            f"| {_fmt(r.get('loadavg'))} |"
        )
    text = "\n".join(lines) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "latest.md").write_text(text, encoding="utf-8")
    (folder / "latest.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return text


def _peer_load(peer: dict) -> str:
    loads = {int(k[5:-2]): v for k, v in peer.items() if k.startswith("load_") and k.endswith("_s")}
    if not loads:
        return ""
    said = ", ".join(f"{n:,} tickets in {s:,.0f} s" for n, s in sorted(loads.items()))
    return f" Loading the peer ({said}; a few seconds means its database was reused and only checked)."
