"""The parts of the benchmark that run inside Django (Sanfang's or the peer's process), as subcommands that
print JSON: `generate`, `discover`, `queries`, `tally`. `bench.run` calls them with the right environment."""

from __future__ import annotations

import io
import json
import os
import signal
import statistics
import sys
import time


def _setup() -> None:
    import django

    django.setup()


def photo_bytes(size=(1280, 960)) -> bytes:
    """A real JPEG (a phone photo's size class) so the upload passes the image checks."""
    from PIL import Image

    img = Image.new("RGB", size)
    pixels = img.load()
    for x in range(0, size[0], 4):
        for y in range(0, size[1], 4):
            pixels[x, y] = ((x * 7) % 255, (y * 5) % 255, ((x + y) * 3) % 255)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def cmd_generate(scale: str) -> dict:
    _setup()
    from django.core.management import call_command

    load_before = os.getloadavg()[0]
    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    migrate = time.monotonic() - t0
    from bench import generate

    w = generate.build(scale, log=lambda s: print(s, file=sys.stderr, flush=True))
    return {
        "migrate_s": round(migrate, 1),
        "timings": {k: round(v, 1) for k, v in w.timings.items()},
        "counts": w.counts,
        "loadavg": [load_before, os.getloadavg()[0]],
    }


def cmd_discover() -> dict:
    """The ids and addresses of the benchmarked objects in the generated city."""
    _setup()
    from sanfang.appraisal.models import Round
    from sanfang.campaigns.models import Campaign
    from sanfang.cases import services
    from sanfang.cases.models import Case
    from sanfang.directory.models import Place
    from sanfang.publicity.models import ItemVersion

    board = Place.objects.get(code="BX01010101")
    public = services.board_cases(board)
    street = Place.objects.get(code="BX0101")
    county = Place.objects.get(code="BX01")
    case = Case.objects.filter(street=street).order_by("-created_at").first()
    rnd = Round.objects.filter(community__path__startswith=county.path).order_by("-ballots_cast").first()
    return {
        "board_code": board.code,
        "board_cases": Case.objects.filter(compound=board).count(),
        "board_versions": ItemVersion.objects.filter(compound=board).count(),
        "public_tracking_no": public[-1]["tracking_no"] if public else None,
        "case_pk": case.pk,
        "campaign_pk": Campaign.objects.filter(county=county).values_list("pk", flat=True).first(),
        "round_pk": rnd.pk,
        "round_ballots": rnd.ballots.count(),
        "cases_total": Case.objects.count(),
        "year": case.created_at.year,
    }


class _OutOfTime(BaseException):
    """Raised by the alarm inside a request that ran past its budget (BaseException: no `except Exception`
    in the view swallows it)."""


def cmd_queries(spec_path: str, budget: str = "30") -> dict:
    """SQL queries per request for each operation, through Django's test client (the second request, warm).

    Every statement sent to the database is counted (a wrapper on the connection, so there is no cap on how
    many). An operation gets `budget` seconds for its two requests; a request still running then is stopped
    and reported as "> N", N being the statements it had sent so far."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client

    def alarm(_signum, _frame):
        raise _OutOfTime

    signal.signal(signal.SIGALRM, alarm)
    spec = json.loads(open(spec_path, encoding="utf-8").read())  # noqa: SIM115, PTH123
    out = {}
    jpeg = photo_bytes()
    sent = [0]

    def count(execute, sql, params, many, context):
        sent[0] += 1
        return execute(sql, params, many, context)

    for op in spec:
        client = Client(enforce_csrf_checks=False)
        if op.get("user"):
            client.force_login(get_user_model().objects.get(**{get_user_model().USERNAME_FIELD: op["user"]}))
        deadline = time.monotonic() + float(budget)
        result = None
        for _ in range(2):
            data = dict(op.get("data") or {})
            if op.get("photo"):
                data[op["photo"]] = SimpleUploadedFile("photo.jpg", jpeg, content_type="image/jpeg")
            sent[0] = 0
            signal.setitimer(signal.ITIMER_REAL, max(0.01, deadline - time.monotonic()))
            try:
                with connection.execute_wrapper(count):
                    if op["method"] == "POST":
                        response = client.post(op["path"], data)
                    else:
                        response = client.get(op["path"])
            except _OutOfTime:
                result = f"> {sent[0]:,} (stopped after {float(budget):g} s)"
                connection.close()  # it may have been stopped in the middle of reading a result
                break
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            result = sent[0] if response.status_code < 400 else f"HTTP {response.status_code}"
        out[op["name"]] = result
        print(f"  queries of {op['name']}: {result}", file=sys.stderr, flush=True)
    return out


def cmd_tally(round_pk: str, runs: str = "3", profile_to: str = "") -> dict:
    """Time closing (tallying) the round, each run rolled back so the next tallies the same ballots."""
    _setup()
    from django.db import transaction

    from sanfang.appraisal import services
    from sanfang.appraisal.models import Round
    from sanfang.directory.models import Person

    admin = Person.objects.get(username="bench-admin")
    times = []

    def once():
        with transaction.atomic():
            rnd = Round.objects.get(pk=int(round_pk))
            t0 = time.perf_counter()
            services.close_round(actor=admin, round=rnd)
            times.append(time.perf_counter() - t0)
            transaction.set_rollback(True)

    for _ in range(int(runs)):
        once()
        if sum(times) > 90:
            break  # bounded: the runs so far are the sample
    result = {"median_s": statistics.median(times), "runs": times}
    if profile_to and statistics.median(times) > 1.0:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        once()
        profiler.stop()
        with open(profile_to, "w", encoding="utf-8") as fh:  # noqa: PTH123
            fh.write(profiler.output_text(unicode=True, color=False, show_all=False))
        result["profile"] = os.path.basename(profile_to)
    return result


def cmd_profile(spec_path: str, name: str, profile_to: str) -> dict:
    """A pyinstrument profile of one request of the named operation (through the test client)."""
    _setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from pyinstrument import Profiler

    op = next(o for o in json.loads(open(spec_path, encoding="utf-8").read()) if o["name"] == name)  # noqa: SIM115, PTH123
    client = Client()
    if op.get("user"):
        client.force_login(get_user_model().objects.get(**{get_user_model().USERNAME_FIELD: op["user"]}))
    jpeg = photo_bytes() if op.get("photo") else b""

    def request():
        if op["method"] != "POST":
            return client.get(op["path"])
        data = dict(op.get("data") or {})
        data[op["photo"]] = SimpleUploadedFile("photo.jpg", jpeg, content_type="image/jpeg")
        return client.post(op["path"], data)

    request()
    profiler = Profiler()
    profiler.start()
    request()
    profiler.stop()
    with open(profile_to, "w", encoding="utf-8") as fh:  # noqa: PTH123
        fh.write(profiler.output_text(unicode=True, color=False, show_all=False))
    return {"profile": os.path.basename(profile_to)}


def main() -> None:
    command, *args = sys.argv[1:]
    result = globals()[f"cmd_{command}"](*args)
    print(json.dumps(result, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main()
