"""Report verbs (PN-4, PN-5): file (written) or record (oral), receive, give an opinion, answer it, close,
put on the joint meeting agenda, flag unanswered opinions. Each checks permission, runs in one transaction,
writes the audit trail and notifies after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sanfang.core import audit, delivery, extensions
from sanfang.core.errors import Conflict, RuleViolation
from sanfang.directory.models import Organisation, OrgKind, Place, PlaceKind, Position

from . import permissions
from .kinds import ReportType, clean_fields, spec_for
from .models import Mode, Opinion, RecipientKind, Report, ReportRecipient, Status, answer_working_days

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".jpg", ".jpeg", ".png", ".txt")


def members_of(orgs: Iterable[Organisation]) -> list:
    """People holding a current position in these organisations (the EPMC's lead sits in the RC)."""
    orgs = [o for o in orgs if o is not None]
    positions = Position.objects.current().filter(organisation__in=orgs).select_related("person")
    people = [p.person for p in positions]
    epmc_places = [o.place_id for o in orgs if o.kind == OrgKind.EPMC]
    if epmc_places:
        leads = Position.objects.current().filter(leads_epmc=True, organisation__place_id__in=epmc_places)
        people += [p.person for p in leads.select_related("person")]
    return list({p.pk: p for p in people}.values())


def url_of(report: Report) -> str:
    return reverse("reports:detail", args=[report.pk])


def _check_attachment(attachment) -> None:
    if attachment is None:
        return
    name = (getattr(attachment, "name", "") or "").lower()
    if not name.endswith(ATTACHMENT_EXTENSIONS):
        raise RuleViolation(_("附件只能是 PDF、Word、Excel、图片或文本文件。"), field="attachment")
    if (getattr(attachment, "size", 0) or 0) > MAX_ATTACHMENT_BYTES:
        raise RuleViolation(_("附件不能超过 20 MB。"), field="attachment")


def _validate_common(*, compound: Place, report_type: str, title: str, summary: str, recipients) -> tuple:
    if compound.kind != PlaceKind.COMPOUND:
        raise RuleViolation(_("报告应针对一个小区。"), field="compound")
    spec_for(report_type)
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title:
        raise RuleViolation(_("请填写报告标题。"), field="title")
    if not summary:
        raise RuleViolation(_("请填写报告内容。"), field="summary")
    kinds = list(dict.fromkeys(recipients or RecipientKind.values))
    bad = [k for k in kinds if k not in RecipientKind.values]
    if bad:
        raise RuleViolation(_("接收方不正确。"), field="recipients")
    available = permissions.recipient_orgs(compound.community)
    missing = [k for k in kinds if k not in available]
    if missing:
        raise RuleViolation(
            _("本社区尚未登记“%(kind)s”的机构，无法向其报告。") % {"kind": RecipientKind(missing[0]).label},
            field="recipients",
        )
    return title, summary, {k: available[k] for k in kinds}


def _create(
    *,
    actor,
    compound,
    report_type,
    reporting_org,
    title,
    summary,
    values,
    targets,
    mode,
    attachment=None,
    oral_reporter="",
    oral_at=None,
    follows=None,
    now=None,
) -> Report:
    at = now or timezone.now()
    report = Report(
        type=report_type,
        mode=mode,
        compound=compound,
        community=compound.community,
        reporting_org=reporting_org,
        author=actor,
        title=title[:120],
        summary=summary,
        fields=values,
        oral_reporter=oral_reporter,
        oral_at=oral_at,
        submitted_at=at,
        follows=follows,
    )
    if attachment is not None:
        report.attachment = attachment
    report.save()
    ReportRecipient.objects.bulk_create(
        [ReportRecipient(report=report, kind=k, organisation=o) for k, o in targets.items()]
    )
    return report


def _check_follows(follows: Report | None, *, compound: Place, reporting_org: Organisation) -> None:
    """A follow-up report (new situation, PN-5) continues a report of the same compound and reporting party."""
    if follows is None:
        return
    if follows.compound_id != compound.pk or follows.reporting_org_id != reporting_org.pk:
        raise RuleViolation(_("续报只能针对本单位就同一小区报送的报告。"), field="follows")


@transaction.atomic
def file_report(
    *,
    actor,
    compound: Place,
    report_type: str,
    reporting_org: Organisation,
    title: str,
    summary: str,
    fields: dict,
    recipients: Iterable[str] | None = None,
    attachment=None,
    follows: Report | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """PN-4: the Owners' Committee or property company reports a matter in writing, with the fields its type
    needs, to the street, party organisation, RC and joint meeting (all four unless fewer are chosen)."""
    title, summary, targets = _validate_common(
        compound=compound, report_type=report_type, title=title, summary=summary, recipients=recipients
    )
    if reporting_org not in permissions.reporting_orgs_for(actor, compound, report_type):
        raise PermissionDenied
    values = clean_fields(report_type, fields or {})
    _check_attachment(attachment)
    _check_follows(follows, compound=compound, reporting_org=reporting_org)
    report = _create(
        actor=actor,
        compound=compound,
        report_type=report_type,
        reporting_org=reporting_org,
        title=title,
        summary=summary,
        values=values,
        targets=targets,
        mode=Mode.WRITTEN,
        attachment=attachment,
        follows=follows,
        now=now,
    )
    audit.record(
        actor=actor,
        verb="report.file",
        target=report,
        summary=f"{report.get_type_display()} · {title}",
        changes={"recipients": [o.name for o in targets.values()]},
    )
    _notify_filed(report, list(targets.values()))
    return report


@transaction.atomic
def record_oral_report(
    *,
    actor,
    compound: Place,
    report_type: str,
    reporting_org: Organisation,
    oral_reporter: str,
    oral_at: dt.datetime,
    title: str,
    summary: str,
    fields: dict,
    recipients: Iterable[str] | None = None,
    now: dt.datetime | None = None,
) -> Report:
    """PN-4: an oral report is recorded by the receiver: who reported, when, what; the receiving recipient
    counts as having received it."""
    title, summary, targets = _validate_common(
        compound=compound, report_type=report_type, title=title, summary=summary, recipients=recipients
    )
    mine = [k for k, o in targets.items() if permissions.acts_for(actor, o)]
    if not mine:
        raise PermissionDenied
    if reporting_org not in permissions.reporter_candidates(compound, report_type):
        raise RuleViolation(
            _("%(org)s 不能报告此类事项。") % {"org": reporting_org.name}, field="reporting_org"
        )
    oral_reporter = (oral_reporter or "").strip()
    if not oral_reporter:
        raise RuleViolation(_("请填写口头报告人。"), field="oral_reporter")
    at = now or timezone.now()
    if oral_at is None or oral_at > at:
        raise RuleViolation(_("口头报告时间不能晚于现在。"), field="oral_at")
    values = clean_fields(report_type, fields or {})
    report = _create(
        actor=actor,
        compound=compound,
        report_type=report_type,
        reporting_org=reporting_org,
        title=title,
        summary=summary,
        values=values,
        targets=targets,
        mode=Mode.ORAL,
        oral_reporter=oral_reporter[:60],
        oral_at=oral_at,
        now=at,
    )
    report.recipients.filter(kind__in=mine).update(received_at=at, received_by=actor)
    report.status = Status.RECEIVED
    report.save(update_fields=["status"])
    audit.record(
        actor=actor,
        verb="report.record_oral",
        target=report,
        summary=_("记录 %(org)s %(who)s 的口头报告：%(title)s")
        % {"org": reporting_org.name, "who": oral_reporter, "title": title},
    )
    others = [o for k, o in targets.items() if k not in mine]
    _notify_filed(report, others + [reporting_org])
    return report


def _notify_filed(report: Report, orgs: list[Organisation]) -> None:
    delivery.notify(
        recipients=members_of(orgs),
        subject=lambda: (
            _("【报告】%(org)s：%(title)s") % {"org": report.reporting_org.name, "title": report.title}
        ),
        key=f"report:{report.pk}:filed",
        body=lambda: f"{report.get_type_display()} · {report.compound.name}\n{report.summary[:500]}",
        url=url_of(report),
        organisations=orgs,
    )


@transaction.atomic
def mark_received(*, actor, report: Report, now: dt.datetime | None = None) -> list[ReportRecipient]:
    """A recipient acknowledges receipt of a report (who and when)."""
    rows = [r for r in permissions.receiving_rows(actor, report) if r.received_at is None]
    if not permissions.receiving_rows(actor, report):
        raise PermissionDenied
    if not rows:
        raise RuleViolation(_("已经接收过这份报告。"))
    at = now or timezone.now()
    ReportRecipient.objects.filter(pk__in=[r.pk for r in rows]).update(received_at=at, received_by=actor)
    if report.status == Status.SUBMITTED:
        Report.objects.filter(pk=report.pk).update(status=Status.RECEIVED)
        report.status = Status.RECEIVED
    audit.record(
        actor=actor,
        verb="report.receive",
        target=report,
        summary=_("、").join(r.organisation.name for r in rows),
    )
    return rows


@transaction.atomic
def give_opinion(
    *, actor, report: Report, text: str, kind: str | None = None, now: dt.datetime | None = None
) -> Opinion:
    """PN-5: a recipient returns an opinion; the reporting party must answer it within the set working days."""
    rows = permissions.receiving_rows(actor, report)
    if kind:
        rows = [r for r in rows if r.kind == kind]
    if not rows:
        raise PermissionDenied
    if report.status == Status.CLOSED:
        raise RuleViolation(_("报告已办结，不能再提意见；如有新情况请另行报告。"))
    text = (text or "").strip()
    if not text:
        raise RuleViolation(_("请填写意见。"), field="text")
    if len(text) > 2000:
        raise RuleViolation(_("意见过长（最多 2000 字）。"), field="text")
    at = now or timezone.now()
    row = rows[0]
    if row.received_at is None:
        ReportRecipient.objects.filter(pk=row.pk).update(received_at=at, received_by=actor)
    opinion = Opinion(report=report, recipient=row, author=actor, text=text, created_at=at)
    opinion.set_deadline(timezone.localtime(at).date(), answer_working_days())
    opinion.save()
    if report.status == Status.SUBMITTED:
        Report.objects.filter(pk=report.pk).update(status=Status.RECEIVED)
    audit.record(
        actor=actor, verb="report.opinion", target=report, summary=f"{row.organisation.name}：{text[:80]}"
    )
    delivery.notify(
        recipients=members_of([report.reporting_org]),
        subject=lambda: (
            _("【报告意见】%(org)s 对“%(title)s”提出意见，请答复")
            % {"org": row.organisation.name, "title": report.title}
        ),
        key=f"report:{report.pk}:opinion:{opinion.pk}",
        body=lambda: _("%(text)s\n请于 %(due)s 前答复。") % {"text": text, "due": opinion.due_on.isoformat()},
        url=url_of(report),
        organisations=[report.reporting_org],
    )
    return opinion


@transaction.atomic
def answer_opinion(*, actor, opinion: Opinion, answer: str, now: dt.datetime | None = None) -> Opinion:
    """PN-5: the reporting party answers each opinion; the answer is final once given."""
    opinion = (
        Opinion.objects.select_for_update()
        .select_related("report__reporting_org", "recipient")
        .get(pk=opinion.pk)
    )
    report = opinion.report
    if not permissions.can_answer(actor, report):
        raise PermissionDenied
    if opinion.answered_at is not None:
        raise Conflict(_("这条意见已经答复过了。"))
    answer = (answer or "").strip()
    if not answer:
        raise RuleViolation(_("请填写答复内容。"), field="answer")
    if len(answer) > 2000:
        raise RuleViolation(_("答复过长（最多 2000 字）。"), field="answer")
    opinion.answer, opinion.answered_at, opinion.answered_by = answer, now or timezone.now(), actor
    opinion.save(update_fields=["answer", "answered_at", "answered_by"])
    audit.record(actor=actor, verb="report.answer", target=report, summary=answer[:80])
    delivery.notify(
        recipients=[opinion.author] + members_of([opinion.recipient.organisation]),
        subject=lambda: (
            _("【意见答复】%(org)s 答复了您对“%(title)s”的意见")
            % {"org": report.reporting_org.name, "title": report.title}
        ),
        key=f"report:{report.pk}:answer:{opinion.pk}",
        body=answer,
        url=url_of(report),
    )
    return opinion


@transaction.atomic
def close_report(*, actor, report: Report, version: int, now: dt.datetime | None = None) -> Report:
    """The reporting party closes a report once every opinion on it is answered (PN-5)."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    if not permissions.can_answer(actor, report):
        raise PermissionDenied
    if report.version != version:
        raise Conflict(_("报告在您阅读时已被他人修改，请刷新后再试。"))
    if report.status == Status.CLOSED:
        raise RuleViolation(_("报告已经办结。"))
    open_count = report.opinions.unanswered().count()
    if open_count:
        raise RuleViolation(_("还有 %(n)s 条意见未答复，答复后才能办结。") % {"n": open_count})
    report.status, report.closed_at, report.version = Status.CLOSED, now or timezone.now(), report.version + 1
    report.save(update_fields=["status", "closed_at", "version"])
    audit.record(actor=actor, verb="report.close", target=report)
    return report


AGENDA_KIND = "rules_major"  # JM-2: major matters of residents' interest (meetings maps it)


@transaction.atomic
def propose_to_agenda(*, actor, report: Report, now: dt.datetime | None = None) -> Report:
    """Put a report on the community's next joint meeting agenda through the "agenda.propose" point (JM-2)."""
    report = Report.objects.select_for_update().select_related("community", "reporting_org").get(pk=report.pk)
    if not permissions.can_propose_agenda(actor, report):
        raise PermissionDenied
    if report.agenda_proposed_at is not None:
        raise RuleViolation(_("这份报告已经提交联席会议。"))
    if not extensions.has("agenda.propose"):
        raise RuleViolation(_("联席会议模块尚未启用，暂不能提交议题。"))
    description = _("%(org)s 报告（%(type)s）：%(summary)s") % {
        "org": report.reporting_org.name,
        "type": report.get_type_display(),
        "summary": report.summary[:500],
    }
    item = extensions.first(
        "agenda.propose", actor, report.community, AGENDA_KIND, report.title, description, report
    )
    if item is None:
        raise RuleViolation(_("未能提交联席会议议题，请稍后再试。"))
    report.agenda_ref = str(item)[:200]
    report.agenda_proposed_at = now or timezone.now()
    report.save(update_fields=["agenda_ref", "agenda_proposed_at"])
    audit.record(actor=actor, verb="report.agenda", target=report, summary=report.agenda_ref)
    return report


def major_matter_for(report: Report) -> dict | None:
    """The CS-7 gate a fund-use or company-change report links to, if the cases app provides one."""
    kind = spec_for(report.type).major_matter
    if not kind:
        return None
    return extensions.first("major_matter.status", report.compound, kind)


@transaction.atomic
def flag_unanswered(*, now: dt.datetime) -> int:
    """PN-5: opinions not answered by their due date are flagged once and the reporting party reminded."""
    today = timezone.localtime(now).date()
    overdue = list(
        Opinion.objects.overdue(today)
        .filter(flagged_at__isnull=True)
        .select_related("report__reporting_org", "report__community", "recipient__organisation")
        .order_by("pk")[:500]
    )
    for opinion in overdue:
        report = opinion.report
        party = Organisation.objects.filter(kind=OrgKind.PARTY_ORG, place=report.community).first()
        delivery.notify(
            recipients=members_of([report.reporting_org]),
            subject=lambda report=report: (
                _("【逾期未答复】“%(title)s”的意见已超过答复期限") % {"title": report.title}
            ),
            key=f"report:{report.pk}:opinion:{opinion.pk}:overdue",
            body=lambda opinion=opinion: (
                _("%(org)s 于 %(at)s 提出的意见应于 %(due)s 前答复：%(text)s")
                % {
                    "org": opinion.recipient.organisation.name,
                    "at": timezone.localtime(opinion.created_at).strftime("%Y-%m-%d"),
                    "due": opinion.due_on.isoformat(),
                    "text": opinion.text[:300],
                }
            ),
            url=url_of(report),
            urgent=True,
            organisations=[report.reporting_org] + ([party] if party else []),
        )
        Opinion.objects.filter(pk=opinion.pk).update(flagged_at=now)
        audit.record(actor="系统", verb="report.opinion_overdue", target=report, summary=opinion.text[:80])
    return len(overdue)


__all__ = [
    "ReportType",
    "answer_opinion",
    "close_report",
    "file_report",
    "flag_unanswered",
    "give_opinion",
    "mark_received",
    "propose_to_agenda",
    "record_oral_report",
]
