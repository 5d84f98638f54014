"""Issue 8, item 3 (languages): every user-facing string has English, and the catalogues need no system gettext.

The msgids come from the same extractor `sanfang makemessages_py` uses (Babel over Python, Django's templatize over
templates), so a string marked for translation anywhere in an app and left without English fails here.
"""

import functools
from pathlib import Path

import polib
import pytest
from django.utils import translation

from sanfang.core import catalogues

LABELS = catalogues.app_labels()


@functools.cache
def _extracted(label):
    return catalogues.extract_app(label)


def _catalogue(label):
    path = catalogues.catalogue_path(label, "en")
    return polib.pofile(str(path)) if path.exists() else None


def _forms(entry):
    return (
        [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
        if entry.msgid_plural
        else [entry.msgstr]
    )


def _show(entry):
    return (entry.msgid if entry.msgctxt is None else f"[{entry.msgctxt}] {entry.msgid}")[:80]


@pytest.mark.parametrize("label", LABELS)
def test_issue8_every_string_marked_in_the_app_has_complete_english(label):
    messages = _extracted(label)
    assert messages, f"{label}: no translatable string found — is the extractor broken?"
    po = _catalogue(label)
    assert po is not None, f"{label}: no English catalogue; run `make messages`"
    entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
    problems = []
    for message in messages:
        entry = entries.get(message.key)
        where = " ".join(f"{f}:{n}" for f, n in message.occurrences[:2])
        if entry is None:
            problems.append(f"not in the catalogue (run `make messages`): {message.msgid[:80]!r} ({where})")
        elif entry.fuzzy:
            problems.append(f"fuzzy, needs review: {_show(entry)!r} ({where})")
        elif not all(form.strip() for form in _forms(entry)):
            problems.append(f"no English: {_show(entry)!r} ({where})")
        elif entry.msgid_plural and len(entry.msgstr_plural) != 2:
            problems.append(f"English has two plural forms, not {len(entry.msgstr_plural)}: {_show(entry)!r}")
    assert not problems, f"{label}: {len(problems)} string(s) without English:\n" + "\n".join(problems[:60])


@pytest.mark.parametrize("label", LABELS)
def test_issue8_english_uses_exactly_the_placeholders_of_the_chinese(label):
    """A missing %(name)s loses information; a foreign one raises KeyError when the page renders."""
    po = _catalogue(label)
    problems = []
    for entry in po or []:
        if entry.obsolete:
            continue
        forms = _forms(entry)
        if entry.msgid_plural:
            allowed = catalogues.placeholders(entry.msgid_plural)
            # The singular may say "one" instead of the count; the other form must carry every placeholder.
            bad = [f for f in forms[1:] if f and catalogues.placeholders(f) != allowed]
            bad += [f for f in forms[:1] if f and not set(catalogues.placeholders(f)) <= set(allowed)]
        else:
            bad = [
                f for f in forms if f and catalogues.placeholders(f) != catalogues.placeholders(entry.msgid)
            ]
        problems += [f"{_show(entry)!r} → {b!r}" for b in bad]
    assert not problems, f"{label}: placeholders differ:\n" + "\n".join(problems)


@pytest.mark.parametrize("label", LABELS)
def test_issue8_english_catalogue_holds_no_chinese_translation(label):
    """An msgstr still in Chinese is an untranslated string in disguise (Chinese data examples in brackets aside)."""
    po = _catalogue(label)
    problems = []
    for entry in po or []:
        if entry.obsolete:
            continue
        for form in _forms(entry):
            if form and _mostly_chinese(form):
                problems.append(f"{_show(entry)!r} → {form!r}")
    assert not problems, f"{label}: English that is still Chinese:\n" + "\n".join(problems)


def _mostly_chinese(text):
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return cjk > len(text) / 2


def test_issue8_compiled_catalogues_switch_the_interface_to_english():
    """The .mo files compiled by `sanfang compilemessages_py` (polib, no system gettext) are the ones Django reads."""
    with translation.override("en"):
        assert translation.gettext("跳到正文") == "Skip to content"  # the project shell, held by core
        assert translation.gettext("小区摸排认定表") == "Compound survey form"
    with translation.override("zh-hans"):
        assert translation.gettext("跳到正文") == "跳到正文"


# --- the extractor and merger behind `sanfang makemessages_py` --------------------------------------------------


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_issue8_extractor_reads_python_calls_and_template_tags_with_plurals_and_context(tmp_path):
    py = _write(
        tmp_path,
        "views.py",
        "from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext\n"
        "A = _('甲')\n"
        "B = gettext_lazy('乙 %(n)s')\n"
        "C = ngettext('%(n)s 件', '%(n)s 件', 2)\n"
        "D = pgettext('动词', '公示')\n"
        "E = '没有标记的字符串'\n",
    )
    html = _write(
        tmp_path,
        "templates/app/page.html",
        "<div>\n"
        '  {% translate "丙" %}\n'
        "    {% blocktranslate count n=items|length %}{{ n }} 项{% plural %}{{ n }} 项{% endblocktranslate %}\n"
        '{% translate "公示" context "名词" %}\n'
        "</div>\n",
    )
    messages = catalogues.extract_files([(py, tmp_path), (html, tmp_path)])
    found = {m.key: m for m in messages}
    assert set(found) == {
        (None, "甲"),
        (None, "乙 %(n)s"),
        (None, "%(n)s 件"),
        ("动词", "公示"),
        (None, "丙"),
        (None, "%(n)s 项"),
        ("名词", "公示"),
    }
    assert found[(None, "%(n)s 项")].msgid_plural == "%(n)s 项"
    assert found[(None, "丙")].occurrences == [("templates/app/page.html", "2")]
    assert found[(None, "%(n)s 件")].occurrences == [("views.py", "4")]


def test_issue8_merge_keeps_english_adds_new_strings_and_retires_vanished_ones(tmp_path):
    path = tmp_path / "django.po"
    catalogues.merge(
        path,
        "en",
        [
            catalogues.Message("保留", occurrences=[("a.py", "1")]),
            catalogues.Message("删除", occurrences=[("a.py", "2")]),
            catalogues.Message("%(n)s 条", "%(n)s 条", occurrences=[("a.py", "3")]),
            catalogues.Message("请在三十日内答复居民的问题。", occurrences=[("a.py", "4")]),
        ],
    )
    po = polib.pofile(str(path))
    po.find("保留").msgstr = "Kept"
    po.find("删除").msgstr = "Removed"
    po.find("%(n)s 条").msgstr_plural = {0: "%(n)s item", 1: "%(n)s items"}
    po.find("请在三十日内答复居民的问题。").msgstr = "Answer the resident within thirty days."
    po.save()

    result = catalogues.merge(
        path,
        "en",
        [
            catalogues.Message("新增", occurrences=[("b.py", "1")]),
            catalogues.Message("保留", occurrences=[("a.py", "9")]),
            catalogues.Message("%(n)s 条", "%(n)s 条", occurrences=[("a.py", "3")]),
            catalogues.Message("请在三十日内答复居民提出的问题。", occurrences=[("a.py", "4")]),
        ],
    )
    po = polib.pofile(str(path))
    live = [e for e in po if not e.obsolete]
    assert [e.msgid for e in live] == ["新增", "保留", "%(n)s 条", "请在三十日内答复居民提出的问题。"]
    assert po.find("新增").msgstr == "" and po.find("保留").msgstr == "Kept"
    assert po.find("保留").occurrences == [("a.py", "")]  # file names only: no line-number churn
    assert po.find("%(n)s 条").msgstr_plural == {0: "%(n)s item", 1: "%(n)s items"}
    assert "python-format" in po.find("%(n)s 条").flags
    reworded = po.find("请在三十日内答复居民提出的问题。")
    assert reworded.fuzzy and reworded.msgstr == "Answer the resident within thirty days."
    assert [e.msgid for e in po.obsolete_entries()] == ["删除", "请在三十日内答复居民的问题。"]
    assert (result.added, result.obsoleted) == (2, 2)

    again = catalogues.merge(path, "en", [catalogues.Message("新增", occurrences=[("b.py", "1")])])
    assert again.changed and po.find("删除", include_obsolete_entries=True).msgstr == "Removed"
    unchanged = catalogues.merge(path, "en", [catalogues.Message("新增", occurrences=[("b.py", "1")])])
    assert not unchanged.changed


def test_issue8_project_shell_templates_belong_to_the_core_catalogue():
    refs = {f for m in _extracted("core") for f, _n in m.occurrences}
    assert "../templates/base.html" in refs and "../templates/errors/404.html" in refs
    assert not any(Path(f).parts[0] == "tests" for f in refs)
