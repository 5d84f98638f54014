"""`make bench`: build the city, then measure the floor, the peer and Sanfang side by side in one run.

Every server is gunicorn with the same worker count and command line as `sanfang serve` in production. Per
operation: median and p95 latency over a bounded sequential loop (one keep-alive client), requests per second
and errors under concurrent load (wrk, Debian's HTTP load generator, installed here if missing; loopback only),
SQL queries per request (Django's test client in the same code and data), and the workers' peak memory.
The table goes to bench/results/latest.md (+ .json); see docs/performance.md.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import http.client
import json
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PEER_REQUIREMENTS = [
    "django-helpdesk[teams]==2.6.1",
    "Django>=5.2,<5.3",
    "gunicorn>=22",
    "psycopg[binary]>=3.2",
    "dj-database-url>=2.2",
]
PEER_LIST_AT = 10_000  # the staff-list target compares with the peer's list at this many tickets


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", flush=True)


# --- processes ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_json(cmd: list[str], env: dict, timeout: int = 7200) -> dict:
    proc = subprocess.run(
        cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )  # noqa: S603
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} failed:\n{proc.stderr[-3000:]}")
    if proc.stderr.strip():
        for line in proc.stderr.strip().splitlines()[-12:]:
            log("  " + line)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def peak_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Server:
    """gunicorn, as `sanfang serve` runs it in production (sync workers, access log on stdout)."""

    def __init__(self, name: str, python: str, app: str, env: dict, workers: int):
        self.name, self.python, self.app, self.env, self.workers = name, python, app, env, workers
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        self.peak: float = 0.0
        self._sampling: threading.Event | None = None

    def start(self) -> None:
        from sanfang.core.webserver import gunicorn_argv

        VAR.mkdir(parents=True, exist_ok=True)
        self.port = free_port()  # a restarted server's old port may still be held for a moment
        logfile = open(VAR / f"{self.name}.log", "ab")  # noqa: SIM115
        bind = f"127.0.0.1:{self.port}"
        # `sanfang serve`'s command line (worker recycling included), with a longer timeout than gunicorn's 30 s
        # default so that a slow request is measured instead of killed.
        cmd = [
            *gunicorn_argv(python=self.python, app=self.app, bind=bind, workers=self.workers),
            "--timeout",
            "120",
        ]
        self.proc = subprocess.Popen(  # noqa: S603 - its own process group, so stop() can end every worker
            cmd, env=self.env, cwd=ROOT, stdout=logfile, stderr=logfile, start_new_session=True
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request("GET", "/favicon-probe")
                conn.getresponse().read()
                self._sample_peaks()
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{self.name} did not start; see {VAR / (self.name + '.log')}")

    def stop(self) -> None:
        """Quick shutdown (gunicorn's SIGQUIT: workers stop at once, requests in flight are dropped), then
        SIGKILL to whatever of the process group is left, so no worker keeps the port or the CPU."""
        if self._sampling is not None:
            self._sampling.set()
            self._sampling = None
        if self.proc is not None:
            self.worker_peak_mb()
            self.proc.send_signal(signal.SIGQUIT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=10)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def restart(self) -> None:
        """Drop requests still queued or running from the previous operation (abandoned slow requests, a load
        test's backlog), so they do not slow the next one down; the workers' peak memory is kept."""
        self.stop()
        self.start()

    def __enter__(self) -> Server:
        self.start()
        return self

    def worker_peak_mb(self) -> float:
        proc = self.proc
        if proc is None:
            return self.peak
        self.peak = max([self.peak, *(peak_rss_mb(p) for p in children(proc.pid))])
        return self.peak

    def _sample_peaks(self, every: float = 1.0) -> None:
        """Read the workers' peaks every second while the server runs: gunicorn replaces a worker after its
        `--max-requests`, and a replaced worker's peak would otherwise never be seen."""
        stop = self._sampling = threading.Event()

        def sample() -> None:
            while not stop.wait(every):
                with contextlib.suppress(OSError, ValueError):
                    self.worker_peak_mb()

        threading.Thread(target=sample, name=f"{self.name}-peaks", daemon=True).start()

    def __exit__(self, *exc) -> None:
        self.stop()


# --- HTTP ------------------------------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    ok: tuple = (200,)


def fetch(port: int, req: Request, conn: http.client.HTTPConnection | None = None):
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request(req.method, req.path, body=req.body or None, headers=req.headers)
    response = conn.getresponse()
    data = response.read()
    return response, data


def cookies_of(response) -> dict:
    out = {}
    for header, value in response.getheaders():
        if header.lower() == "set-cookie":
            name, _, rest = value.partition("=")
            out[name.strip()] = rest.split(";", 1)[0]
    return out


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def csrf_from(port: int, path: str, jar: dict) -> str:
    response, data = fetch(port, Request("GET", path, {"Cookie": cookie_header(jar)} if jar else {}))
    jar.update(cookies_of(response))
    m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data)
    if not m:
        raise RuntimeError(f"no CSRF token on {path} (HTTP {response.status})")
    return m.group(1).decode()


def login(port: int, path: str, username: str, password: str) -> dict:
    jar: dict = {}
    token = csrf_from(port, path, jar)
    body = f"csrfmiddlewaretoken={token}&username={username}&password={password}".encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": cookie_header(jar),
        "Referer": f"http://127.0.0.1:{port}{path}",
    }
    response, _ = fetch(port, Request("POST", path, headers, body))
    jar.update(cookies_of(response))
    if "sessionid" not in jar:
        raise RuntimeError(f"login as {username} failed (HTTP {response.status})")
    return jar


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content, ctype) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        parts.append(head.encode() + f"Content-Type: {ctype}\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def sequential(
    port: int, req: Request, n: int, warmup: int = 3, budget: float = 30, timeout: float = 20
) -> dict:
    """Up to n timed requests after up to `warmup` untimed ones, all within `budget` seconds (but at least one
    timed request). A request with no answer after `timeout` seconds is abandoned and counted as "> timeout":
    when such requests reach the median (or p95), that figure is a lower bound and marked so."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    times: list[float] = []
    errors = timeouts = 0
    started = time.monotonic()
    for i in range(warmup + n):
        timed = i >= warmup
        now = time.monotonic()
        if not timed and now > started + budget / 3:
            continue  # warm-up used its third of the budget: start timing
        if timed and times and now > started + budget:
            break
        t0 = time.perf_counter()
        try:
            response, _ = fetch(port, req, conn)
            status = response.status
            if response.getheader("Connection", "").lower() == "close":
                conn.close()
        except TimeoutError:
            status = None
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        except (OSError, http.client.HTTPException):
            status = 0
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        elapsed = time.perf_counter() - t0
        if status is None:
            timeouts += 1
            elapsed = math.inf
            if not timed:
                warmup = i + 1  # a request slower than the timeout: no more warming up
        elif status not in req.ok:
            errors += 1
        if timed:
            times.append(elapsed * 1000)
    times.sort()
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    cap = timeout * 1000
    return {
        "median_ms": min(median, cap),
        "p95_ms": min(p95, cap),
        "median_over": median >= cap,  # the figure is "more than", not "equal to"
        "p95_over": p95 >= cap,
        "n": len(times),
        "seq_errors": errors,
        "timeouts": timeouts,
        "timeout_s": timeout,
        "seq_seconds": round(time.monotonic() - started, 1),
    }


def ensure_wrk() -> str | None:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        log("installing Debian's wrk (the load generator)")
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True)  # noqa: S607
    return shutil.which("wrk")


def load(port: int, req: Request, clients: int, seconds: int, timeout: float = 20) -> dict:
    """Requests/s and errors under `clients` concurrent connections for `seconds` (wrk); a request without an
    answer after `timeout` seconds counts as an error."""
    wrk = ensure_wrk()
    if wrk is None:
        return {"rps": None, "load_errors": "wrk unavailable"}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        body = req.body.decode("latin-1")
        fh.write(f"wrk.method = {json.dumps(req.method)}\n")
        fh.write("wrk.body = " + lua_string(body) + "\n")
        for k, v in req.headers.items():
            fh.write(f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}\n")
        script = fh.name
    threads = min(2, clients)
    cmd = [
        wrk,
        "-t",
        str(threads),
        "-c",
        str(clients),
        "-d",
        f"{seconds}s",
        "--timeout",
        f"{timeout:g}s",
        "-s",
        script,
    ]
    proc = subprocess.run(
        [*cmd, f"http://127.0.0.1:{port}{req.path}"], capture_output=True, text=True, check=False
    )  # noqa: S603
    os.unlink(script)
    out = proc.stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    if sock:
        # gunicorn's sync workers close every connection; wrk counts the resulting resets as "read" errors
        # only when a response was lost, so connect/write/timeout and non-2xx/3xx are the errors that matter.
        errors += int(sock.group(1)) + int(sock.group(3)) + int(sock.group(4))
    total = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(rps.group(1)) if rps else None,
        "load_errors": errors,
        "load_requests": int(total.group(1)) if total else 0,
        "read_resets": int(sock.group(2)) if sock else 0,
    }


def lua_string(s: str) -> str:
    return '"' + "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else f"\\{ord(c):03d}" for c in s) + '"'


# --- databases -------------------------------------------------------------------------------------------


def pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def pg_exists(url: str, name: str) -> bool:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


# --- the run ---------------------------------------------------------------------------------------------


@dataclass
class Op:
    """One benchmarked operation: the HTTP loops and the in-process query count both run it."""

    name: str
    path: str
    user: str | None = None  # a logged-in staff account, else anonymous
    method: str = "GET"
    data: dict | None = None  # a POST's form fields (the anonymous submission, with a photo)
    photo: str = ""  # the POST's file field for the JPEG
    cold: bool = False  # one request, the first after the server started; no warm-up, no load

    def spec(self) -> dict:
        return {k: getattr(self, k) for k in ("name", "method", "path", "user", "data", "photo")}


def measure(server: Server, op: Op, req: Request, args, rows: list, extra: dict) -> dict:
    log(f"{server.name}: {op.name}")
    row = {"system": server.name, "op": op.name, "loadavg": os.getloadavg()[0]}
    if op.cold:
        row.update(sequential(server.port, req, 1, warmup=0, budget=0, timeout=args.timeout))
    else:
        row.update(sequential(server.port, req, args.requests, budget=args.budget, timeout=args.timeout))
        if args.seconds:
            seconds = args.board_seconds if op.name in ("public board", "hello") else args.seconds
            row.update(load(server.port, req, args.clients, seconds, timeout=args.timeout))
    row.update(extra)
    rows.append(row)
    if row["timeouts"] or (args.seconds and row["median_ms"] > 200 and not op.cold):
        server.restart()  # abandoned requests or a load test's backlog would still be running
    return row


def run_system(
    name: str, python: str, app: str, env: dict, ops: list[Op], passwords: dict, label: str, args, rows: list
) -> Path:
    """Count each operation's queries in process, then serve the system with gunicorn and measure each
    operation over HTTP; returns the operations' spec file (for profiles)."""  # fmt: skip
    from bench.inproc import photo_bytes

    spec_file = VAR / f"{name}-spec.json"
    spec_file.write_text(json.dumps([op.spec() for op in ops], ensure_ascii=False))
    log(f"{name}: queries per request")
    queries = run_json([python, "-m", "bench.inproc", "queries", str(spec_file), str(args.query_budget)], env)
    jpeg = photo_bytes()
    first = len(rows)
    with Server(name, python, app, env, args.workers) as server:
        jars = {user: login(server.port, "/login/", user, password) for user, password in passwords.items()}
        for op in ops:
            if op.method == "POST":
                anon: dict = {}
                token = csrf_from(server.port, op.path, anon)
                body, ctype = multipart(
                    {**(op.data or {}), "csrfmiddlewaretoken": token},
                    {op.photo: ("photo.jpg", jpeg, "image/jpeg")},
                )
                headers = {
                    "Content-Type": ctype,
                    "Cookie": cookie_header(anon),
                    "Referer": f"http://127.0.0.1:{server.port}/",
                }
                req = Request("POST", op.path, headers, body, ok=(302,))
            else:
                req = Request("GET", op.path, {"Cookie": cookie_header(jars[op.user])} if op.user else {})
            measure(server, op, req, args, rows, {"queries": queries.get(op.name), "data": label})
    for row in rows[first:]:
        row["peak_rss_mb"] = server.peak
    return spec_file


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--scale", default="city", choices=["city", "county", "tiny"])
    p.add_argument("--db", default="postgres", choices=["postgres", "sqlite"])
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "3")))
    p.add_argument("--requests", type=int, default=100, help="sequential requests per operation")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=int, default=10, help="concurrent load per operation (0: skip)")
    p.add_argument("--board-seconds", type=int, default=30, help="concurrent load on the public board")
    p.add_argument("--reuse", action="store_true", help="reuse an already generated database")
    p.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    p.add_argument("--no-peer", action="store_true")
    p.add_argument(
        "--peer-tickets",
        type=int,
        default=0,
        help="tickets for the peer (default: as many as Sanfang's cases)",
    )
    p.add_argument("--tally-runs", type=int, default=3)
    p.add_argument("--budget", type=float, default=30, help="seconds for one operation's sequential loop")
    p.add_argument("--timeout", type=float, default=20, help="seconds before a request counts as '> timeout'")
    p.add_argument(
        "--query-budget", type=float, default=30, help="seconds for counting one operation's queries"
    )
    args = p.parse_args(argv)

    started = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    for old in RESULTS.glob("profile-*.txt"):
        old.unlink()  # the profiles beside the table are this run's
    base_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    base_env.update(
        PYTHONPATH=str(ROOT), DEBUG="0", SANFANG_VAR_DIR=str(VAR / "sanfang"), LOG_LEVEL="WARNING"
    )
    db_name = f"sanfang_bench_{args.scale}"
    if args.db == "postgres":
        db_url = f"{args.pg}/{db_name}"
        if not (args.reuse and pg_exists(args.pg + "/postgres", db_name)):
            pg(args.pg + "/postgres", f'DROP DATABASE IF EXISTS "{db_name}"')
            pg(args.pg + "/postgres", f'CREATE DATABASE "{db_name}"')
            args.reuse = False
    else:
        path = VAR / f"{db_name}.sqlite3"
        if not args.reuse and path.exists():
            path.unlink()
        args.reuse = args.reuse and path.exists()
        db_url = f"sqlite:///{path}"
    env = {**base_env, "DATABASE_URL": db_url, "DJANGO_SETTINGS_MODULE": "bench.settings_sanfang"}
    py = sys.executable
    results: dict = {"scale": args.scale, "db": args.db, "workers": args.workers, "clients": args.clients}
    results["args"] = vars(args).copy()
    results["command"] = " ".join(["python -m bench", *(sys.argv[1:] if argv is None else argv)]).strip()
    results["machine"] = {"cpus": os.cpu_count(), "load_before": os.getloadavg()}
    build_record = VAR / f"build-{args.scale}-{args.db}.json"  # the build's figures, for a later --reuse
    if not args.reuse:
        log(f"generating the {args.scale} data set into {args.db} …")
        results["build"] = run_json([py, "-m", "bench.inproc", "generate", args.scale], env)
        build_record.write_text(json.dumps(results["build"]), encoding="utf-8")
        log(f"built in {results['build']['timings']['total']} s")
    elif build_record.exists():
        # The data set was built by an earlier run (or `python -m bench.inproc generate`, whose output this
        # is): the table still says how long that build took, marked as reused.
        results["build"] = {**json.loads(build_record.read_text(encoding="utf-8")), "reused": True}
    found = run_json([py, "-m", "bench.inproc", "discover"], env)
    results["discover"] = found
    rows: list[dict] = []

    try:
        # --- the floor -----------------------------------------------------------------------------------
        floor_env = {**env, "DJANGO_SETTINGS_MODULE": "bench.settings_floor"}
        run_system("floor", py, "sanfang.wsgi:application", floor_env, [Op("hello", "/")], {}, "", args, rows)

        # --- the peer ------------------------------------------------------------------------------------
        if not args.no_peer:
            run_peer(args, base_env, found, rows, results)

        # --- Sanfang -------------------------------------------------------------------------------------
        run_sanfang(args, env, found, rows, results)
        results["rows"] = rows
        results["elapsed_s"] = round(time.monotonic() - started)
        results["machine"]["load_after"] = os.getloadavg()
        from bench.report import targets, write

        results["targets"] = targets(results)
        profile_misses(results, env)  # while the databases are still there
        text = write(results, RESULTS)
    finally:
        if not args.keep and args.db == "postgres":
            for name in (db_name, *(peer_database(args.scale, n) for n in peer_stages(args, found))):
                try:
                    pg(args.pg + "/postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except Exception as exc:  # noqa: BLE001 - report and go on
                    log(f"could not drop {name}: {exc}")
    print(text)
    return 0


PROFILED = {  # target (start of its name) -> the Sanfang operation to profile when it is missed
    "public board": "public board",
    "public case": "public case",
    "staff list": "staff list",
    "REST one": "REST one",
    "REST list": "REST list",
    "street overview": "street overview (warm)",
    "anonymous submission": "anonymous submission",
}


def profile_misses(results: dict, env: dict) -> None:
    """A pyinstrument profile of each missed request target, beside the table (the tally profiles itself)."""
    spec = results.get("profile_spec")
    if not spec:
        return
    done: dict[str, str] = {}
    for t in results.get("targets", []):
        if t["result"] != "MISS":
            continue
        if t["target"].startswith("tally") and (RESULTS / "profile-tally.txt").exists():
            t["note"] = "; ".join(x for x in (t["note"], "profile: profile-tally.txt") if x)
        op = next((o for k, o in PROFILED.items() if t["target"].startswith(k)), None)
        if op is None:
            continue
        if op not in done:
            name = "profile-" + re.sub(r"[^a-z]+", "-", op.lower()).strip("-") + ".txt"
            try:
                run_json(
                    [sys.executable, "-m", "bench.inproc", "profile", spec, op, str(RESULTS / name)], env
                )
                log(f"profiled {op}: bench/results/{name}")
                done[op] = name
            except RuntimeError as exc:
                log(f"could not profile {op}: {exc}")
                done[op] = ""
        if done[op]:
            t["note"] = "; ".join(x for x in (t["note"], f"profile: {done[op]}") if x)


def peer_stages(args, found: dict) -> list[int]:
    """The ticket counts the peer is measured at: 10,000 (the staff-list target's) and as many as Sanfang's cases."""
    total = args.peer_tickets or found["cases_total"]
    return [min(PEER_LIST_AT, total), total] if total > PEER_LIST_AT else [total]


def peer_database(scale: str, tickets: int) -> str:
    return f"sanfang_bench_peer_{scale}_{tickets}"


def run_peer(args, base_env: dict, found: dict, rows: list, results: dict) -> None:
    venv = VAR / "peer-venv"
    peer_py = str(venv / "bin" / "python")
    if not (venv / "bin" / "gunicorn").exists():
        log("installing django-helpdesk into var/bench/peer-venv …")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)  # noqa: S603
        subprocess.run([peer_py, "-m", "pip", "install", "-q", *PEER_REQUIREMENTS], check=True)  # noqa: S603
    stages = peer_stages(args, found)
    results["peer"] = {"package": PEER_REQUIREMENTS[0]}
    for stage in stages:
        # One database per size. With --reuse a database already there is topped up to the size (nothing to load
        # when it has it), which spares the 1,000,000-ticket load (5 minutes) on a second run.
        name = peer_database(args.scale, stage)
        if args.db == "postgres":
            url = f"{args.pg}/{name}"
            if not (args.reuse and pg_exists(args.pg + "/postgres", name)):
                pg(args.pg + "/postgres", f'DROP DATABASE IF EXISTS "{name}"')
                pg(args.pg + "/postgres", f'CREATE DATABASE "{name}"')
        else:
            path = VAR / f"{name}.sqlite3"
            if not args.reuse:
                path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        env = {**base_env, "PEER_DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.peer.settings"}
        env["PEER_VAR_DIR"] = str(VAR / "peer")
        subprocess.run([peer_py, "-m", "django", "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
        t0 = time.monotonic()
        log(f"peer: loading {stage:,} tickets into {name}")
        info = run_json([peer_py, "-m", "bench.peer.load", str(stage)], env)
        results["peer"][f"load_{stage}_s"] = round(time.monotonic() - t0, 1)
        query = {
            "filtering": {"status__in": [1, 2], "queue__id__in": [info["queue_id"]]},
            "sorting": "created",
            "sortreverse": True,
            "search_string": "",
        }
        b64 = base64.b64encode(json.dumps(query).encode()).decode()
        staff = info["staff"]
        ops = [
            Op("staff list", f"/datatables_ticket_list/{b64}?draw=1&start=0&length=25", staff),
            Op("REST one", f"/api/tickets/{info['ticket_id']}/", staff),
            Op("REST list", "/api/tickets/?status=1", staff),
        ]
        if stage == stages[-1]:
            ops += [
                Op("public case", f"/view/?ticket={info['ticket_ref']}&email={info['email']}&key={info['key']}"),
                Op("anonymous submission", "/tickets/submit/", method="POST", photo="attachment", data={
                    "queue": info["queue_id"], "title": "楼道垃圾堆放多日无人清理",
                    "body": "楼道垃圾堆放多日无人清理，希望尽快处理。", "priority": 3,
                    "submitter_email": "resident@bench.invalid"}),
            ]  # fmt: skip
        # At 10,000 tickets: the list and REST rows (the staff-list target compares with that size).
        run_system("peer", peer_py, "bench.peer.wsgi:application", env, ops, {staff: info["password"]},
                   f"{info['tickets']:,} tickets", args, rows)  # fmt: skip


def run_sanfang(args, env: dict, found: dict, rows: list, results: dict) -> None:
    py = sys.executable
    county, street = "bench-county-1", "bench-street-1"
    overview = f"/cases/overview/?year={found['year']}&by=community"
    ops = [
        # Cold: the first overview request after the server (and its caches) started.
        Op("street overview (cold)", overview, street, cold=True),
        Op("public board", f"/b/{found['board_code']}"),
        Op("public case", f"/cases/public/{found['public_tracking_no']}/"),
        Op("staff list", "/cases/?view=org&status=open&class=routine", county),
        Op("REST one", f"/api/v1/cases/{found['case_pk']}", county),
        Op("REST list", "/api/v1/cases/?status=open&limit=25", county),
        Op("street overview (warm)", overview, street),
        Op("county campaign roll-up", f"/campaigns/{found['campaign_pk']}/", county),
        Op("anonymous submission", f"/cases/report/{found['board_code']}/", method="POST", photo="photos", data={
            "category": "sanitation", "description": "楼道垃圾堆放多日无人清理，希望尽快处理。", "unit": "2单元",
            "reporter_name": "王女士", "reporter_contact": ""}),
    ]  # fmt: skip
    passwords = dict.fromkeys((county, street), "bench-sanfang-2026")
    label = f"{found['cases_total']:,} cases"
    spec_file = run_system("sanfang", py, "sanfang.wsgi:application", env, ops, passwords, label, args, rows)
    log("sanfang: tally")
    profile = RESULTS / "profile-tally.txt"
    tally = run_json(
        [py, "-m", "bench.inproc", "tally", str(found["round_pk"]), str(args.tally_runs), str(profile)], env
    )
    rows.append(
        {"system": "sanfang", "op": "tally of a round", "median_ms": tally["median_s"] * 1000,
         "p95_ms": max(tally["runs"]) * 1000, "n": len(tally["runs"]), "data": f"{found['round_ballots']:,} ballots",
         "profile": tally.get("profile"), "loadavg": os.getloadavg()[0]}
    )  # fmt: skip
    results["profile_spec"] = str(spec_file)
