"""Demo data: the home street's standard, last year's completed rounds (home community plus a few neighbours,
so the street's ranking has rows) and this year's open round in the home community with some ballots cast.

Bounded at every scale: at most five communities of the home street get a past round.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sanfang.core.demo import DemoContext
from sanfang.directory.services import convener_for

from . import services, tally
from .models import Ballot, CreditEntry, Level, Objection, Participant, Round, Scale

NEIGHBOURS = 4


def _answers(rnd: Round, rng, bias: float) -> dict:
    return answers_to(services.ballot_form(rnd), rng, bias)


def answers_to(form: list[dict], rng, bias: float) -> dict:
    """One voter's answers to a ballot form (`services.ballot_form`): scores around 70–95 and satisfaction
    levels leaning the same way as `bias` (0–1). Shared with the benchmark's generator."""
    out = {}
    for block in form:
        row = {}
        for c in block["criteria"]:
            if c.scale == Scale.SCORE:
                row[str(c.pk)] = float(max(40, min(100, round(rng.gauss(70 + 25 * bias, 8)))))
            else:
                x = rng.random()
                row[str(c.pk)] = (
                    Level.SATISFIED
                    if x < 0.45 + 0.4 * bias
                    else Level.BASIC
                    if x < 0.9
                    else Level.UNSATISFIED
                )
        out[str(block["subject"].pk)] = row
    return out


def _past_round(ctx: DemoContext, community, year: int, objection: bool) -> Round | None:
    street_user = ctx.personas["street"]
    head = convener_for(community)
    if head is None:
        return None
    rnd = services.open_round(actor=street_user, community=community, year=year)
    rng = ctx.rng
    for s in rnd.subjects.all():
        s.report_mode, s.report_text = (
            "written",
            "全年按时参加联席会议，兑现年度服务承诺，及时处理居民反映的问题。",
        )
        s.report_by, s.report_at = head.person, timezone.now()
        s.save(update_fields=["report_mode", "report_text", "report_by", "report_at"])
    participants = list(rnd.participants.all())
    voters = [p for p in participants if rng.random() < 0.85] or participants[:1]
    bias = rng.random()
    ballots = Ballot.objects.bulk_create(
        [Ballot(round=rnd, channel=Ballot.Channel.LINK, answers=_answers(rnd, rng, bias)) for _ in voters]
    )
    tally.add_counts(rnd.pk, tally.count_answers(b.answers for b in ballots))  # bulk, so counted here
    Participant.objects.filter(pk__in=[p.pk for p in voters]).update(has_voted=True)
    services.record_meeting(
        actor=head.person,
        round=rnd,
        held_on=dt.date(year, 12, 20),
        place_text=f"{community.name}党群服务中心",
        attendance=len(voters),
        materials_reviewed="联席会议纪要、工单台账、收费公示记录",
        opinions_heard="居民代表对绿化养护和停车管理提出意见",
        visits=10,
        visits_note="走访 10 户居民",
    )
    services.close_round(actor=head.person, round=rnd)
    services.publish_results(actor=head.person, round=rnd)
    if objection:
        objector = next(
            (p.person for p in participants if p.category == Participant.Category.OWNER_REP), None
        )
        if objector is not None:
            o = services.raise_objection(
                actor=objector, round=rnd, text="物业服务企业的得分与实际服务水平不符，停车管理问题较多。"
            )
            services.answer_objection(
                actor=head.person,
                objection=o,
                answer="经复核测评票和工单记录，评分程序合规；停车管理问题已列入明年整改承诺。",
            )
    # Move the publicity period into last December so the street may approve now.
    published = dt.date(year, 12, 24)
    Round.objects.filter(pk=rnd.pk).update(
        published_on=published, due_from=published, due_on=dt.date(year, 12, 31)
    )
    Objection.objects.filter(round=rnd).update(raised_at=timezone.make_aware(dt.datetime(year, 12, 26, 10)))
    rnd.refresh_from_db()
    services.approve_round(actor=street_user, round=rnd, note="经公示无异议（异议已答复），同意。")
    services.circulate_round(actor=street_user, round=rnd)
    decided = timezone.make_aware(dt.datetime(year + 1, 1, 8, 10))
    Round.objects.filter(pk=rnd.pk).update(approved_at=decided, circulated_at=decided)
    CreditEntry.objects.filter(subject__round=rnd).update(
        valid_from=decided.date(),
        valid_until=services.years_after(decided.date(), services.CREDIT_VALID_YEARS),
    )
    return rnd


def populate(ctx: DemoContext) -> None:
    street_user = ctx.personas["street"]
    home = ctx.home_community
    street = home.street
    standard = services.create_standard(
        actor=street_user,
        street=street,
        name=f"{street.name}三方联动评议监督考评标准",
        drop_extremes=True,
        indicator_weight="0.2",
        note="依据《三方联动机制实施细则》评议监督考评制度制定，辖区各社区统一使用。",
    )
    services.add_default_criteria(actor=street_user, standard=standard)
    services.publish_standard(actor=street_user, standard=standard)

    last_year = ctx.today.year - 1
    _past_round(ctx, home, last_year, objection=True)
    neighbours = list(street.children.filter(is_demo=True).exclude(pk=home.pk).order_by("path")[:NEIGHBOURS])
    for community in neighbours:
        _past_round(ctx, community, last_year, objection=False)

    # This year's round in the home community, open now so the demo can vote (the default window is December).
    this_year = ctx.today.year
    opens = min(ctx.today, dt.date(this_year, 12, 1))
    rnd = services.open_round(
        actor=street_user,
        community=home,
        year=this_year,
        opens_on=opens,
        closes_on=dt.date(this_year, 12, 31),
    )
    office = ctx.personas["office"]
    resident = ctx.personas["resident"]
    if not rnd.participants.filter(person=resident).exists():
        services.add_participant(
            actor=office, round=rnd, person=resident, category=Participant.Category.RESIDENT_REP
        )
    for s in rnd.subjects.select_related("organisation")[:2]:
        services.submit_self_report(
            actor=office,
            subject=s,
            mode="oral",
            text=f"{s.organisation.name}负责人口头述职要点：全年工作情况、问题和改进措施。",
        )
    links = services.issue_links(actor=office, round=rnd)
    if rnd.voting_open():
        rng = ctx.rng
        for participant, _url in links[: max(1, len(links) // 3)]:
            if participant.person_id in (ctx.personas["resident"].pk, ctx.personas["party"].pk):
                continue  # leave the personas a ballot to cast in the demo
            services.cast_ballot(participant=participant, answers=_answers(rnd, rng, rng.random()))
