"""PN-2: history that cannot be rewritten — each version is hashed and chained; `sanfang publicity verify` names breaks."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from sanfang.publicity import services
from sanfang.publicity.models import BoardChain, ItemKind, ItemVersion

from .conftest import SAMPLES, item_of


def _publish_some(w):
    price = item_of(w.compound_a1, ItemKind.PRICE_DISPLAY)
    services.publish_item(
        actor=w.company_head, item=price, content=SAMPLES[ItemKind.PRICE_DISPLAY], version=0
    )
    price.refresh_from_db()
    services.publish_item(
        actor=w.company_head,
        item=price,
        content=SAMPLES[ItemKind.PRICE_DISPLAY] | {"service_standard": "一级服务标准"},
        version=1,
        note="服务标准提升",
    )
    fund = item_of(w.compound_a1, ItemKind.MAINTENANCE_FUND)
    services.publish_item(actor=w.oc_member, item=fund, content=SAMPLES[ItemKind.MAINTENANCE_FUND], version=0)
    return price, fund


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_pn2_versions_are_chained_per_compound(scheduled):
    w = scheduled
    _publish_some(w)
    versions = list(ItemVersion.objects.filter(compound=w.compound_a1).order_by("seq"))
    assert [v.seq for v in versions] == [1, 2, 3]
    assert versions[0].prev_digest == ""
    assert versions[1].prev_digest == versions[0].digest and versions[2].prev_digest == versions[1].digest
    chain = BoardChain.objects.get(compound=w.compound_a1)
    assert (chain.length, chain.head_digest) == (3, versions[2].digest)
    assert services.verify_chain(w.compound_a1).ok


def test_pn2_altering_a_stored_version_in_the_database_is_detected_and_named(scheduled):
    w = scheduled
    price, _fund = _publish_some(w)
    v1 = ItemVersion.objects.get(item=price, number=1)
    tampered = dict(v1.content, charging_method="按户收取")
    _raw("UPDATE publicity_itemversion SET content = %s WHERE id = %s", [json.dumps(tampered), v1.pk])
    report = services.verify_chain(w.compound_a1)
    assert not report.ok
    assert [(b.seq, b.version_id) for b in report.breaks] == [(1, v1.pk)]
    assert "改动" in report.breaks[0].reason


def test_pn2_removing_a_version_breaks_the_chain(scheduled):
    w = scheduled
    price, _fund = _publish_some(w)
    v1 = ItemVersion.objects.get(item=price, number=1)
    _raw("DELETE FROM publicity_itemversion WHERE id = %s", [v1.pk])
    report = services.verify_chain(w.compound_a1)
    assert not report.ok
    assert any(b.seq == 2 for b in report.breaks)


def test_pn2_rewriting_a_digest_to_match_still_breaks_the_link(scheduled):
    w = scheduled
    price, _fund = _publish_some(w)
    v2 = ItemVersion.objects.get(item=price, number=2)
    v2.content = dict(v2.content, service_standard="三级")
    new_digest = v2.compute_digest()
    _raw(
        "UPDATE publicity_itemversion SET content = %s, digest = %s WHERE id = %s",
        [json.dumps(v2.content), new_digest, v2.pk],
    )
    report = services.verify_chain(w.compound_a1)
    assert [b.seq for b in report.breaks] == [3]


def test_pn2_the_verify_command_passes_on_intact_boards_and_fails_naming_the_altered_version(
    scheduled, capsys
):
    w = scheduled
    price, _fund = _publish_some(w)
    call_command("publicity", "verify")
    assert "全部完整" in capsys.readouterr().out
    v2 = ItemVersion.objects.get(item=price, number=2)
    _raw("UPDATE publicity_itemversion SET title = %s WHERE id = %s", ["改过的标题", v2.pk])
    with pytest.raises(CommandError):
        call_command("publicity", "verify", "--compound", w.compound_a1.code)
    out = capsys.readouterr().out
    assert w.compound_a1.code in out and "序号 2" in out and f"版本 id {v2.pk}" in out


def test_pn2_pointing_the_board_at_an_older_version_is_detected(scheduled):
    w = scheduled
    price, _fund = _publish_some(w)
    v1 = ItemVersion.objects.get(item=price, number=1)
    _raw("UPDATE publicity_boarditem SET current_id = %s WHERE id = %s", [v1.pk, price.pk])
    report = services.verify_chain(w.compound_a1)
    assert [(b.item_id, b.reason) for b in report.breaks] == [(price.pk, "公示栏显示的不是最新版本")]
