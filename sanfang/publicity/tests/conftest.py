import datetime as dt

import pytest
import time_machine

from sanfang.core import extensions
from sanfang.publicity import services
from sanfang.publicity.models import BoardItem, ItemKind

TODAY = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
XSS = "<script>alert(1)</script>"

SAMPLES = {
    ItemKind.COMMITMENT: {
        "entries": [
            {"text": f"24 小时内响应报修{XSS}", "status": "kept", "note": "全年响应率 98%"},
            {"text": "每季度公示收支", "status": "in_progress", "note": ""},
        ]
    },
    ItemKind.PRICE_DISPLAY: {
        "charged_party": "本小区全体业主及物业使用人",
        "service_content": "公共区域保洁、秩序维护、绿化养护、共用设施设备维护",
        "service_standard": "二级服务标准",
        "charging_method": "按建筑面积按月计收",
        "start_date": "2024-01-01",
        "items": [
            {
                "name": "住宅物业服务费",
                "standard": "1.20 元/平方米·月",
                "price_form": "government_guided",
                "base_price": "1.10 元/平方米·月",
                "float_range": "±10%",
                "basis": "县发改局物业服务收费文件",
            },
            {"name": "地面停车服务费", "standard": "100 元/月", "price_form": "market"},
        ],
        "basis": "物业服务合同；县物业服务收费管理办法",
        "company_phone": "0714-7399001",
    },
    ItemKind.INCOME_STATEMENT: {
        "incomes": [{"name": "物业费", "budget": "1200000", "actual": "1150000"}],
        "costs": [{"label": "人员费用", "budget": "600000", "actual": "610000"}],
        "summary": "收缴率 95.8%",
    },
    ItemKind.COMMON_INCOME: {
        "opening_balance": "1000",
        "incomes": [
            {"source": "advertising", "detail": "电梯广告", "amount": "12000"},
            {"source": "parking", "detail": "地面车位", "amount": "30000"},
        ],
        "uses": [{"purpose": "补充维修资金", "amount": "20000"}],
        "custodian": "业主委员会",
    },
    ItemKind.MAINTENANCE_FUND: {
        "opening_balance": "500000",
        "deposits": "20000",
        "interest": "3000",
        "uses": [
            {
                "date": "2025-06-01",
                "project": "3 栋屋面防水",
                "amount": "45000",
                "approval": "经业主双过半同意",
            }
        ],
        "account_bank": "阳新农商银行",
    },
}


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scheduled(world, frozen):
    """The world's compounds with their obligations scheduled as of 2026-11-24."""
    services.ensure_schedule(compounds=[world.compound_a1, world.compound_a2, world.compound_b1])
    return world


def item_of(compound, kind, party=None, period_key=None):
    qs = BoardItem.objects.filter(compound=compound, kind=kind)
    if party:
        qs = qs.filter(party=party)
    if period_key is not None:
        qs = qs.filter(period_key=period_key)
    return qs.order_by("-period_key", "id").first()


@pytest.fixture
def fee_gate():
    """Replace the cases app's "major_matter.status" provider with one the test controls (CS-7)."""
    state = {"gate": None}
    saved = list(extensions._PROVIDERS.get("major_matter.status", []))
    extensions._PROVIDERS["major_matter.status"] = [lambda compound, kind: state["gate"]]
    yield state
    extensions._PROVIDERS["major_matter.status"] = saved


@pytest.fixture
def no_cases():
    saved = list(extensions._PROVIDERS.get("board.cases", []))
    extensions._PROVIDERS["board.cases"] = []
    yield extensions._PROVIDERS["board.cases"]
    extensions._PROVIDERS["board.cases"] = saved
