"""Issue 10, item 7: the deploy files in deploy/ (gunicorn, nginx, systemd units, the example environment) are
consistent with the application — every unit runs a command that exists with arguments it accepts, the nginx
upload limit equals the settings' limit, and the example environment starts only once its secrets are set."""

from __future__ import annotations

import json
import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
NGINX = (DEPLOY / "nginx" / "sanfang.conf").read_text()
INSTALL = "/opt/sanfang"  # where docs/deploy.md checks the repository out
VENV_BIN = f"{INSTALL}/.venv/bin/"


def unit(name: str) -> dict[str, list[str]]:
    """A systemd unit as {key: [values]} (keys may repeat; sections do not matter here)."""
    out: dict[str, list[str]] = {}
    for line in (UNITS / name).read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _sep, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def env_example() -> dict[str, str]:
    out = {}
    for line in (DEPLOY / "sanfang.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _sep, value = line.partition("=")
            out[key] = value.strip('"')
    return out


def exec_lines() -> list[tuple[str, list[str]]]:
    return [
        (path.name, value.split())
        for path in sorted(UNITS.glob("*.service"))
        for key, values in unit(path.name).items()
        if key.startswith("Exec")
        for value in values
    ]


def test_the_four_services_and_two_timers_are_there():
    names = sorted(p.name for p in UNITS.iterdir())
    assert names == [
        "sanfang-backup.service",
        "sanfang-backup.timer",
        "sanfang-tick.service",
        "sanfang-tick.timer",
        "sanfang-web.service",
        "sanfang-worker.service",
    ]
    for timer in UNITS.glob("*.timer"):
        assert unit(timer.name)["Unit"] == [timer.name.replace(".timer", ".service")]


def test_every_unit_command_exists_and_accepts_its_arguments():
    commands = get_commands()
    seen = set()
    for name, argv in exec_lines():
        program = argv[0]
        assert program.startswith("/"), (name, program)  # systemd wants absolute paths
        if program.startswith(VENV_BIN):
            tool = program.removeprefix(VENV_BIN)
            assert (Path(sys.executable).parent / tool).exists(), (name, tool)  # installed by pip install .
            if tool == "sanfang":
                sub, args = argv[1], argv[2:]
                assert sub in commands, (name, sub)
                load_command_class(commands[sub], sub).create_parser("sanfang", sub).parse_args(args)
                seen.add(sub)
        else:
            assert program in {"/bin/kill", "/usr/bin/find", "/usr/bin/mkdir"}, (name, program)
    assert seen == {"worker", "tick", "backup"}


def test_the_web_unit_runs_gunicorn_with_the_repository_config_and_the_wsgi_application():
    [start] = unit("sanfang-web.service")["ExecStart"]
    argv = start.split()
    assert argv[0] == f"{VENV_BIN}gunicorn"
    config = argv[argv.index("--config") + 1]
    assert config == f"{INSTALL}/deploy/gunicorn.conf.py" and (ROOT / "deploy" / "gunicorn.conf.py").exists()
    module, _sep, attr = argv[-1].partition(":")
    assert module == "sanfang.wsgi" and attr == "application"
    assert unit("sanfang-web.service")["RuntimeDirectory"] == ["sanfang"]


def test_the_worker_leaves_the_sweeps_to_the_tick_timer():
    [start] = unit("sanfang-worker.service")["ExecStart"]
    assert start.split()[1:] == ["worker", "--tick-every", "0"]
    assert unit("sanfang-tick.timer")["OnUnitActiveSec"] == ["10min"]


def test_the_backup_runs_nightly_and_removes_archives_past_the_retention():
    assert unit("sanfang-backup.timer")["OnCalendar"] == ["*-*-* 02:30:00"]
    assert unit("sanfang-backup.timer")["Persistent"] == ["true"]
    service = unit("sanfang-backup.service")
    [post] = service["ExecStartPost"]
    assert (
        "/var/lib/sanfang/backups" in post
        and "-mtime +${SANFANG_BACKUP_KEEP_DAYS}" in post
        and "-delete" in post
    )
    assert 'name "sanfang-*.tar.gz"' in post.replace("-name", "name")  # only our own archives
    assert service["UMask"] == ["0077"]  # archives hold personal data: readable by the service user only
    assert int(env_example()["SANFANG_BACKUP_KEEP_DAYS"]) >= 7


def test_every_service_reads_the_environment_file_and_runs_as_the_sanfang_user():
    for path in UNITS.glob("*.service"):
        u = unit(path.name)
        assert u["EnvironmentFile"] == ["/etc/sanfang/sanfang.env"], path.name
        assert u["User"] == ["sanfang"] and u["WorkingDirectory"] == [INSTALL], path.name
        assert u["ReadWritePaths"] == ["/var/lib/sanfang"] and u["NoNewPrivileges"] == ["true"], path.name


def test_nginx_upload_limit_equals_the_settings_limit():
    [size] = re.findall(r"client_max_body_size\s+(\d+)m;", NGINX)
    assert int(size) * 1024 * 1024 == settings.MAX_REQUEST_BYTES
    assert f"{int(size)} MB" in NGINX  # the Chinese 413 page names the same number
    # every upload the application accepts fits inside it
    from sanfang.cases import images

    assert images.MAX_PHOTOS * images.MAX_BYTES < settings.MAX_REQUEST_BYTES
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_REQUEST_BYTES


def test_nginx_talks_to_the_gunicorn_socket_serves_static_and_sends_hsts():
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["bind"] == "unix:/run/sanfang/gunicorn.sock"
    assert "server unix:/run/sanfang/gunicorn.sock" in NGINX
    env = env_example()
    assert f"alias {env['STATIC_ROOT']}/;" in NGINX
    assert env["MEDIA_ROOT"] == f"{env['SANFANG_VAR_DIR']}/media"
    assert "listen 443 ssl" in NGINX and "return 301 https://" in NGINX
    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains" always' in NGINX
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in NGINX  # SECURE_PROXY_SSL_HEADER relies on it
    # The client address is overwritten, never appended to: a client cannot choose its rate-limit key.
    assert "$proxy_add_x_forwarded_for" not in NGINX and "include /etc/nginx/proxy_params" not in NGINX
    assert NGINX.count("proxy_set_header X-Forwarded-For $remote_addr;") == NGINX.count("proxy_pass ")
    assert env["SANFANG_TRUST_X_FORWARDED_FOR"] == "1"


def test_nginx_rate_limits_every_public_submission_path():
    [pattern] = re.findall(r"location ~ (\^/\(login/.*?) \{", NGINX)
    limited = re.compile(pattern)
    for path in (
        "/login/",
        "/directory/register/",
        "/cases/report/Y1/",
        "/appraisal/v/abc/",
        "/appraisal/rounds/3/publicity/",
        "/api/v1/cases/report/Y1",
        "/api/v1/appraisal/ballot/abc",
        "/api/v1/appraisal/rounds/3/objections",
    ):
        assert limited.match(path), path
    assert not limited.match("/b/Y1") and not limited.match("/todos/")
    assert "limit_req_status 429;" in NGINX and "limit_req zone=sanfang_submit" in NGINX


def test_the_example_environment_names_its_placeholders_and_holds_no_secret():
    env = env_example()
    for key in ("SECRET_KEY", "EMAIL_HOST_PASSWORD"):
        assert env[key].startswith("CHANGE-ME"), key
    assert "CHANGE-ME" in env["DATABASE_URL"]
    assert env["SANFANG_ENV"] == "production"


def _env_for(tmp_path, **changes) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SANFANG_", "DJANGO_", "DATABASE_URL"))}
    env.update(env_example())
    env.update(
        SANFANG_VAR_DIR=str(tmp_path),
        MEDIA_ROOT=str(tmp_path / "media"),
        STATIC_ROOT=str(tmp_path / "static"),
        **changes,
    )
    return env


def _check_deploy(env) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and command, fixed arguments
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("with_secret", [False, True], ids=["as shipped", "secret key set"])
def test_the_example_environment_is_refused_until_its_secret_key_is_set_then_check_deploy_is_clean(
    tmp_path, with_secret
):
    changes = (
        {"SECRET_KEY": "k3Y-" + "".join(chr(65 + (i * 7) % 26) for i in range(56))} if with_secret else {}
    )
    result = _check_deploy(_env_for(tmp_path, **changes))
    if with_secret:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout
    else:
        assert result.returncode != 0 and "SECRET_KEY must be a long random value" in result.stderr


def test_issue10_nginx_never_serves_the_private_media_directory():
    """Every upload goes through the application's permission check: nginx answers 404 for all of /media/ and
    no location maps a URL onto MEDIA_ROOT (neither by root nor by alias)."""
    env = env_example()
    directives = re.sub(r"#[^\n]*", "", NGINX)
    assert re.search(r"location /media/ \{\s*return 404;\s*\}", directives)
    assert env["MEDIA_ROOT"] not in directives
    locations = re.findall(r"location\s+([^{]*)\{", directives)
    assert [loc for loc in locations if "media" in loc] == ["/media/ "]
    roots = re.findall(r"^\s*(?:root|alias)\s+([^;]+);", directives, re.M)
    assert roots and all(not r.rstrip("/").startswith(env["SANFANG_VAR_DIR"] + "/media") for r in roots)
    assert all(r.rstrip("/") != env["SANFANG_VAR_DIR"] for r in roots)


def test_issue9_sanfang_serve_recycles_workers_as_the_production_config_does(monkeypatch, settings):
    """`sanfang serve` (and the benchmark, which serves with its command line) replaces a worker after about
    10,000 requests, as deploy/gunicorn.conf.py does: a worker that grew cannot keep its size for ever."""
    from gunicorn.config import Config

    from sanfang.core.management.commands import serve

    ran = []
    monkeypatch.setattr(serve.subprocess, "run", lambda cmd, **kw: ran.append(cmd))
    settings.PRODUCTION = True
    serve.Command().handle(host="127.0.0.1", port="8000", with_worker=False, workers=3)
    [argv] = ran
    assert argv[1:4] == ["-m", "gunicorn", "sanfang.wsgi:application"]
    parsed = Config().parser().parse_args(argv[3:])  # gunicorn accepts every option
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert (parsed.max_requests, parsed.max_requests_jitter) == (
        config["max_requests"],
        config["max_requests_jitter"],
    )
    assert parsed.max_requests_jitter > 0 and parsed.workers == 3 and parsed.bind == ["127.0.0.1:8000"]


def _database_options(tmp_path, **changes) -> dict:
    code = "import json; from django.conf import settings; print(json.dumps(settings.DATABASES['default']['OPTIONS']))"
    result = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if not k.startswith(("SANFANG_", "DJANGO_", "DATABASE_URL"))
            },
            "SANFANG_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://sanfang@127.0.0.1:5432/sanfang",
            "DJANGO_SETTINGS_MODULE": "sanfang.settings",
            **changes,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_issue9_postgresql_plans_a_repeated_query_once_per_connection_unless_a_pooler_forbids_it(tmp_path):
    """On PostgreSQL the parameters are bound at the server and a statement run five times on a connection is
    prepared (planned once); DB_SERVER_SIDE_BINDING=0 turns it off for PgBouncer in transaction mode before
    1.21. SQLite has neither."""
    on = _database_options(tmp_path)
    assert on["server_side_binding"] is True and on["prepare_threshold"] == 5
    off = _database_options(tmp_path, DB_SERVER_SIDE_BINDING="0")
    assert "server_side_binding" not in off and "prepare_threshold" not in off
    sqlite = _database_options(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert "server_side_binding" not in sqlite


@pytest.mark.django_db
def test_issue9_the_postgresql_suite_runs_with_prepared_statements():
    """The PostgreSQL run of the suite uses the production setting, so every query is proven under it."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    connection.ensure_connection()
    assert connection.connection.prepare_threshold == 5
    with connection.cursor() as cursor:
        for _ in range(6):
            cursor.execute("SELECT %s::int + 1", [41])
        assert cursor.fetchone() == (42,)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%$1::int + 1%"]
        )
        assert cursor.fetchone() == (1,)


def _migrator():
    """A connection of its own, as `sanfang migrate` has during an upgrade while the web workers keep theirs."""
    import psycopg
    from django.db import connection

    params = connection.get_connection_params()
    for key in ("cursor_factory", "context", "prepare_threshold"):
        params.pop(key, None)
    return psycopg.connect(**params, autocommit=True)


@pytest.mark.django_db(transaction=True)
def test_issue9_a_prepared_hot_query_survives_a_migration_that_adds_a_column(world):
    """Upgrades migrate before the workers reload (docs/deploy.md, 升级): a statement prepared as `SELECT p.*`
    would then fail in every running worker ("cached plan must not change result type"). The hand-written
    readers name their columns (core/sqlnames.py: every_column), so they keep working."""
    from django.db import connection

    from sanfang.directory.scopes import stamped_person
    from sanfang.publicity.board import stamped_compound

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    for _ in range(7):  # prepared after five runs on this connection
        assert stamped_person(world.resident.pk).pk == world.resident.pk
        assert stamped_compound(world.compound_a1.code).pk == world.compound_a1.pk
    with _migrator() as migrator:
        try:
            migrator.execute("ALTER TABLE directory_person ADD COLUMN added_later integer")
            migrator.execute("ALTER TABLE directory_place ADD COLUMN added_later integer")
            assert stamped_person(world.resident.pk).pk == world.resident.pk
            assert stamped_compound(world.compound_a1.code).pk == world.compound_a1.pk
        finally:
            connection.close()
            migrator.execute("ALTER TABLE directory_person DROP COLUMN IF EXISTS added_later")
            migrator.execute("ALTER TABLE directory_place DROP COLUMN IF EXISTS added_later")


@pytest.mark.django_db(transaction=True)
def test_issue9_a_stale_prepared_statement_costs_one_request_not_the_connection():
    """A migration (another connection) changes the type of a column a prepared statement reads: the statement
    fails once, and the connection is marked to be closed after that request (core/prepared.py), so the next
    request starts on a fresh connection instead of failing until CONN_MAX_AGE."""
    import time

    from django.db import DatabaseError, connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with _migrator() as migrator:
        migrator.execute("CREATE TABLE prepared_probe (id integer PRIMARY KEY, name varchar(10))")
        migrator.execute("INSERT INTO prepared_probe VALUES (1, 'x')")
        try:
            with connection.cursor() as cursor:
                for _ in range(7):  # prepared after five runs
                    cursor.execute("SELECT id, name FROM prepared_probe WHERE id = %s", [1])
                assert connection.close_at is None or connection.close_at > time.monotonic() + 1
                migrator.execute("ALTER TABLE prepared_probe ALTER COLUMN name TYPE varchar(20)")
                with pytest.raises(DatabaseError, match="cached plan must not change result type"):
                    cursor.execute("SELECT id, name FROM prepared_probe WHERE id = %s", [1])
            assert connection.close_at <= time.monotonic()  # closed at the end of this request
            connection.close_if_unusable_or_obsolete()
            with connection.cursor() as cursor:
                cursor.execute("SELECT id, name FROM prepared_probe WHERE id = %s", [1])
                assert cursor.fetchone() == (1, "x")
        finally:
            connection.close()
            migrator.execute("DROP TABLE prepared_probe")
