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
    peer_case = _find(rows, "peer", "public case", peer_big)
    if s.get("public case") and peer_case:
        r = ratio(s["public case"]["median_ms"], peer_case["median_ms"])
        add("public case view vs peer's public ticket view", "≤ 0.5×", f"{r:.2f}×", r <= 0.5)
    peer_sub = _find(rows, "peer", "anonymous submission", peer_big)
    if s.get("anonymous submission") and peer_sub:
        r = ratio(s["anonymous submission"]["median_ms"], peer_sub["median_ms"])
        add("anonymous submission (photo) vs peer's", "≤ 0.7×", f"{r:.2f}×", r <= 0.7)
    peer_list = _find(rows, "peer", "staff list", peer_small)
    if s.get("staff list") and peer_list:
        r = ratio(s["staff list"]["median_ms"], peer_list["median_ms"])
        add(f"staff list at {s['staff list'].get('data')} vs peer's at {peer_small}", "≤ 0.25×", f"{r:.2f}×", r <= 0.25,
            "queries constant: tests")  # fmt: skip
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
    results["targets"] = targets(results)
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"# Benchmark — {results['scale']} scale on {results['db']} ({when})",
        "",
        f"gunicorn, {results['workers']} sync workers per system; {results['machine']['cpus']} CPUs; load average "
        f"before {results['machine']['load_before'][0]:.1f}, after {results['machine']['load_after'][0]:.1f} "
        f"(the machine is shared); whole run {results.get('elapsed_s', 0) / 60:.0f} min.",
        "",
    ]
    build = results.get("build")
    if build:
        t = build["timings"]
        lines.append("Data set built in " + ", ".join(f"{k} {v} s" for k, v in t.items()) + ".")
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
        f"Sequential: one keep-alive client, median and p95 over n requests. Load: wrk, {results['clients']} "
        "connections over loopback; errors = non-2xx/3xx + connect/write/timeout errors.",
        "",
        "| System | Operation | Data | Median ms | p95 ms | n | Req/s | Load errors | Queries | Peak RSS/worker MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["rows"]:
        lines.append(
            f"| {r['system']} | {r['op']} | {r.get('data', '')} | {_fmt(r.get('median_ms'))} | {_fmt(r.get('p95_ms'))} "
            f"| {r.get('n', '')} | {_fmt(r.get('rps'))} | {_fmt(r.get('load_errors'))} | {_fmt(r.get('queries'))} "
            f"| {_fmt(r.get('peak_rss_mb'), 0)} |"
        )
    text = "\n".join(lines) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "latest.md").write_text(text, encoding="utf-8")
    (folder / "latest.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
    )
    return text
