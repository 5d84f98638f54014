"""Issue 8.3: management commands speak the platform's language (Chinese) unless told `--language en`; their
help, their output and their errors alike."""

from __future__ import annotations

import importlib
import io
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.core.management.base import CommandError

from sanfang.core.commands import Command as TranslatedCommand
from sanfang.core.management.commands import tick as tick_command

pytestmark = pytest.mark.django_db


def _run(*args, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_issue8_meeting_plan_warns_in_chinese_by_default_and_in_english_on_request(world):
    _out, err = _run("meetings", "plan", "--community", world.community_a.code, "--year", "2099")
    assert "放假安排尚未录入" in err
    _out, err = _run(
        "meetings", "plan", "--community", world.community_a.code, "--year", "2099", language="en"
    )
    assert "the official holidays of 2099 are not entered yet" in err and "放假" not in err


def test_issue8_command_errors_follow_the_language(world):
    with pytest.raises(CommandError, match="没有代码为 nope 的社区"):
        _run("meetings", "plan", "--community", "nope", "--year", "2027")
    with pytest.raises(CommandError, match="There is no community with code nope"):
        _run("meetings", "plan", "--community", "nope", "--year", "2027", language="en")


def test_issue8_board_verification_reports_in_english(world):
    out, _err = _run("publicity", "verify", language="en")
    assert "all intact" in out and "全部完整" not in out


def test_issue8_tick_lists_its_sweeps_in_the_chosen_language():
    chinese, _err = _run("tick", "--list")
    english, _err = _run("tick", "--list", language="en")
    assert "重新发送到期的失败投递（指数退避）" in chinese
    assert "Resend failed deliveries that are due (exponential back-off)" in english
    assert "重新发送" not in english


def test_issue8_help_is_in_the_language_given_on_the_command_line(capsys):
    command = tick_command.Command()
    with pytest.raises(SystemExit):
        command.run_from_argv(["sanfang", "tick", "--language", "en", "--help"])
    english = capsys.readouterr().out
    assert "Run the periodic sweeps" in english and "List the registered sweeps" in english
    with pytest.raises(SystemExit):
        command.run_from_argv(["sanfang", "tick", "--help"])
    assert "运行定时巡检" in capsys.readouterr().out


# The two catalogue tools stay as they are: they must run before any catalogue is compiled.
UNTRANSLATED = {"makemessages_py", "compilemessages_py"}


def test_issue8_every_project_command_takes_the_language_option():
    package = Path(__file__).resolve().parents[2]
    missing = []
    for name, app in sorted(get_commands().items()):
        if not app.startswith("sanfang.") or name in UNTRANSLATED:
            continue
        module = importlib.import_module(f"{app}.management.commands.{name}")
        assert (package.parent / Path(*module.__name__.split("."))).with_suffix(".py").exists()
        if not issubclass(module.Command, TranslatedCommand):
            missing.append(name)
    assert missing == []
