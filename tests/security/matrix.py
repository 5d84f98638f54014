"""The expected answer of every route to every persona (issue 10 item 1), one row per route and method.

Columns, in this order (tests/security/world.py PERSONAS):
  admin county_official street_official other_street_official party_secretary compound_party_head rc_member
  epmc_lead oc_member company_head company_staff other_company_head grid_worker department_officer resident
  other_resident anonymous
Answers: an HTTP status, "·" for a persona not probed (a POST by someone who may open the page: the app's own
tests submit its forms), "L" for a redirect to the login page, "R" for another redirect (a form that succeeded
or a page that forwards). POST rows are probed with an empty form (HTML) or a minimal valid body (API), each in a
rolled-back transaction; a refused probe (L/401/403/404/405) must not write anything.

Outsiders: other_street_official (street B), other_company_head (company Y, serving compound A2 only — so it
belongs to community A's joint meeting but not to compound A1), other_resident (compound A2). Every object
named by the args lies in community A; those in COMPOUND_OBJECTS lie in compound A1 itself.

HTML: key -> (args "param=object", GET row, POST row); API: operationId -> (args, row for its own method).
"""

# Routes meant for anyone, signed in or not (the public board, case intake and tracking by token, ballots by
# token, the published appraisal result, account pages).
PUBLIC = frozenset(
    {
        "home",
        "healthz",
        "login",
        "login-totp",
        "logout",
        "core:preferences",  # the language switch works before signing in
        "directory:register",
        "directory:building-options",
        "directory:compound-search",
        "cases:report",
        "cases:follow",  # by the reporter's secret follow token
        "cases:public",  # the public tracking page: progress without personal data
        "publicity:board",
        "publicity:board-screen",
        "publicity:board-poster",
        "publicity:board-share",
        "publicity:board-qr",
        "publicity:board-verify",
        "publicity:item-history",
        "appraisal:public",  # the published result
        "appraisal:ballot",  # by the participant's secret ballot token
        "sanfang_directory_api_list_places",
        "sanfang_directory_api_get_place",
        "sanfang_directory_api_place_organisations",
        "sanfang_cases_api_report",
        "sanfang_cases_api_follow",
        "sanfang_cases_api_feedback",
        "sanfang_cases_api_board",
        "sanfang_publicity_api_get_board",
        "sanfang_publicity_api_item_versions",
        "sanfang_publicity_api_verify_board",
        "sanfang_publicity_api_share",
        "sanfang_appraisal_api_public_result",
        "sanfang_appraisal_api_ballot_questions",
        "sanfang_appraisal_api_cast_ballot",
    }
)

# Writes an outsider of compound A1 may make: an objection to community A's appraisal result, which any
# resident of the community and any appraised organisation may raise during the publicity period (EV-5).
OUTSIDER_WRITES = frozenset({"appraisal:publicity", "sanfang_appraisal_api_raise_objection"})

# Objects of compound A1 that no outsider may read (the invariant test checks the rows below against it).
COMPOUND_OBJECTS = frozenset(
    {
        "case",
        "legacy_case",
        "photo",
        "explanation",
        "matter",
        "board_item",
        "report",
        "opinion",
        "survey",
        "investigation",
        "problem",
        "residency",
        "verified_residency",
    }
)

HTML = {
    "directory:my-data": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "directory:erase-account": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "home": (
        "",
        "R R R R R R R R R R R R R R R R 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "healthz": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "login": (
        "",
        "R R R R R R R R R R R R R R R R 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "login-totp": (
        "",
        "L L L L L L L L L L L L L L L L L",
        "L L L L L L L L L L L L L L L L L",
    ),
    "logout": (
        "",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "L L L L L L L L L L L L L L L L L",
    ),
    "core:todos": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "core:preferences": (
        "",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405",
        "R R R R R R R R R R R R R R R R R",
    ),
    "core:audit": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "core:calendar": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "core:inbox": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "core:message": (
        "pk=message",
        "404 404 404 404 R 404 404 404 404 404 404 404 404 404 404 404 L",
        "404 404 404 404 · 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "core:inbox-read-all": (
        "",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R R R R R R R R R R R R R R L",
    ),
    "core:jobs": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "core:job": (
        "pk=job",
        "404 200 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
        "405 · 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
    ),
    "core:job-status": (
        "pk=job",
        "404 200 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
        "405 · 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
    ),
    "core:job-result": (
        "pk=job",
        "404 200 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
        "405 · 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
    ),
    "directory:register": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "directory:register-residency": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "directory:building-options": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "directory:compound-search": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "directory:profile": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "directory:token-create": (
        "",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R R R R R R R R R R R R R R L",
    ),
    "directory:token-revoke": (
        "pk=token",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "404 R 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "directory:totp": (
        "",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R R R R R R R R R R R R 403 403 L",
    ),
    "directory:places": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "directory:place": (
        "code=compound",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 200 200 404 L",
        "· · · 404 · · · · · · · 404 · · · 404 L",
    ),
    "directory:place-add-child": (
        "code=compound",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 403 R R 403 403 403 404 403 403 403 404 L",
    ),
    "directory:organisation-add": (
        "code=compound",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 403 R R 403 403 403 404 403 403 403 404 L",
    ),
    "directory:contract-add": (
        "code=compound",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 403 R R 403 403 403 404 403 403 403 404 L",
    ),
    "directory:contract-end": (
        "code=compound pk=contract",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 403 R R 403 403 403 404 403 403 403 404 L",
    ),
    "directory:organisation": (
        "pk=organisation",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 200 200 404 L",
        "· · · 404 · · · · · · · 404 · · · 404 L",
    ),
    "directory:position-end": (
        "pk=position",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 403 R R 403 403 403 404 403 403 403 404 L",
    ),
    "directory:residents": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "directory:residents-pending": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "directory:residency-decide": (
        "pk=residency",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 R 404 R R 404 R R 404 404 404 404 404 L",
    ),
    "directory:residency-end": (
        "pk=residency",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "directory:residency-moved-out": (
        "pk=verified_residency",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 404 404 404 R 404 R R 404 R R 404 404 404 404 404 L",
    ),
    "meetings:list": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "meetings:workbench": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "meetings:overview": (
        "",
        "200 200 200 200 403 403 403 403 403 403 403 403 403 403 403 403 L",
        "· · · · 403 403 403 403 403 403 403 403 403 403 403 403 L",
    ),
    "meetings:new": (
        "",
        "200 403 403 403 200 403 403 200 403 403 403 403 403 403 403 403 L",
        "· 403 403 403 · 403 403 · 403 403 403 403 403 403 403 403 L",
    ),
    "meetings:meeting": (
        "pk=meeting",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 L",
        "· · · 404 · · · · · · · · · 404 404 404 L",
    ),
    "meetings:meeting-edit": (
        "pk=meeting",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:meeting-cancel": (
        "pk=meeting",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 R 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:meeting-entrust": (
        "pk=meeting",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 R 403 403 403 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:meeting-held": (
        "pk=meeting",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:participant-add": (
        "pk=meeting",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:participant-remove": (
        "pk=meeting pid=participant",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:attendance": (
        "pk=meeting pid=participant",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:checkin": (
        "pk=meeting token=checkin_token",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "meetings:checkin-qr": (
        "pk=meeting",
        "200 403 403 404 403 403 403 200 403 403 403 403 403 404 404 404 L",
        "· 403 403 404 403 403 403 · 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:notice-draft": (
        "pk=meeting",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:minutes-draft": (
        "pk=meeting",
        "200 403 403 404 403 403 403 200 403 403 403 403 403 404 404 404 L",
        "· 403 403 404 403 403 403 · 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:resolution-add": (
        "pk=held_meeting",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:item-raise": (
        "",
        "200 403 403 403 200 200 200 200 200 200 200 200 403 403 403 403 L",
        "· 403 403 403 · · · · · · · · 403 403 403 403 L",
    ),
    "meetings:my-items": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "meetings:item-screen": (
        "pk=item",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:document": (
        "pk=document",
        "200 200 200 404 200 404 404 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 404 · 404 404 404 404 404 404 404 404 L",
    ),
    "meetings:document-edit": (
        "pk=document",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 404 404 R 404 404 404 404 404 404 404 404 L",
    ),
    "meetings:document-request": (
        "pk=document",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 404 404 R 404 404 404 404 404 404 404 404 L",
    ),
    "meetings:document-sign": (
        "pk=document",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 403 404 R 404 404 403 404 404 404 404 404 404 404 404 L",
    ),
    "meetings:document-addendum": (
        "pk=document",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 404 404 R 404 404 404 404 404 404 404 404 L",
    ),
    "meetings:document-docx": (
        "pk=document",
        "200 200 200 404 200 404 404 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 404 · 404 404 404 404 404 404 404 404 L",
    ),
    "meetings:my-resolutions": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "meetings:resolution": (
        "pk=resolution",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 L",
        "· · · 404 · · · · · · · · · 404 404 404 L",
    ),
    "meetings:evidence": (
        "pk=resolution nid=evidence_note",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 L",
        "· · · 404 · · · · · · · · · 404 404 404 L",
    ),
    "meetings:resolution-reopen": (
        "pk=resolution",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 R 403 403 403 403 403 404 404 404 L",
    ),
    "meetings:schedule": (
        "code=community",
        "200 403 403 403 200 403 403 200 403 403 403 403 403 403 403 403 L",
        "· 403 403 403 · 403 403 · 403 403 403 403 403 403 403 403 L",
    ),
    "meetings:summaries": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "meetings:summary": (
        "pk=summary",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 L",
        "· · · 404 · · · · · · · · · 404 404 404 L",
    ),
    "meetings:summary-docx": (
        "pk=summary",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 L",
        "· · · 404 · · · · · · · · · 404 404 404 L",
    ),
    "meetings:summary-action": (
        "pk=summary action=summary_action",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 403 404 R 403 403 403 403 403 403 403 403 404 404 404 L",
    ),
    "cases:triage": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 403 403 L",
        "· · · · · · · · · · · · · · 403 403 L",
    ),
    "cases:new": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "cases:mine": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "cases:export": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 403 403 L",
        "· · · · · · · · · · · · · · 403 403 L",
    ),
    "cases:report": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "cases:follow": (
        "token=follow_token",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "cases:public": (
        "tracking_no=tracking_no",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "cases:photo": (
        "pk=photo",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 200 200 404 404",
        "· · · 404 · · · · · · · 404 · · · 404 404",
    ),
    "cases:summonses": (
        "",
        "200 200 200 200 200 403 403 403 403 403 403 403 403 200 403 403 L",
        "· · · · · 403 403 403 403 403 403 403 403 · 403 403 L",
    ),
    "cases:overview": (
        "",
        "200 200 200 200 200 403 200 200 403 403 403 403 403 403 403 403 L",
        "· · · · · 403 · · 403 403 403 403 403 403 403 403 L",
    ),
    "cases:policy": (
        "",
        "200 200 200 200 403 403 403 403 403 403 403 403 403 403 403 403 L",
        "· · · · 403 403 403 403 403 403 403 403 403 403 403 403 L",
    ),
    "cases:matters": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 403 403 L",
        "· · · · · · · · · · · · · · 403 403 L",
    ),
    "cases:matter-new": (
        "",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R R R R R R R R R R R R R R L",
    ),
    "cases:matter": (
        "pk=matter",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 404 404 404 L",
        "· · · 404 · · · · · · · 404 · 404 404 404 L",
    ),
    "cases:matter-action": (
        "pk=matter action=matter_action",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 R 403 R R R 403 403 404 403 404 404 404 L",
    ),
    "cases:detail": (
        "pk=case",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 200 200 404 L",
        "· · · 404 · · · · · · · 404 · · · 404 L",
    ),
    "cases:investigation-docx": (
        "pk=case",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 403 404 L",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 403 404 L",
    ),
    "cases:action": (
        "pk=case action=case_action",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R R R R R R R 404 R R R 404 L",
    ),
    "publicity:board": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "publicity:board-screen": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "publicity:board-poster": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "publicity:board-share": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "publicity:board-qr": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "publicity:board-verify": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "publicity:item-history": (
        "code=compound pk=board_item",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "publicity:home": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 404 404 404 404 L",
        "· · · · · · · · · · · · 404 404 404 404 L",
    ),
    "publicity:status-export": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 404 404 404 404 L",
        "· · · · · · · · · · · · 404 404 404 404 L",
    ),
    "publicity:compound": (
        "code=compound",
        "200 200 200 404 200 200 200 200 200 200 200 404 404 404 404 404 L",
        "· · · 404 · · · · · · · 404 404 404 404 404 L",
    ),
    "publicity:charge-change": (
        "code=compound",
        "200 403 403 404 403 403 403 403 403 200 200 404 404 404 404 404 L",
        "· 403 403 404 403 403 403 403 403 · · 404 404 404 404 404 L",
    ),
    "publicity:item-edit": (
        "pk=board_item",
        "200 200 200 404 200 200 200 200 200 200 200 404 404 404 404 404 L",
        "· · · 404 · · · · · · · 404 404 404 404 404 L",
    ),
    "publicity:item-withdraw": (
        "pk=board_item",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 403 403 403 403 403 R R 404 404 404 404 404 L",
    ),
    "bulletins:inbox": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "bulletins:compose": (
        "",
        "403 403 403 403 200 200 200 200 200 200 200 200 403 403 403 403 L",
        "403 403 403 403 · · · · · · · · 403 403 403 403 L",
    ),
    "bulletins:overview": (
        "",
        "200 200 200 200 200 403 200 200 403 403 403 403 403 403 403 403 L",
        "· · · · · 403 · · 403 403 403 403 403 403 403 403 L",
    ),
    "bulletins:detail": (
        "pk=bulletin",
        "200 200 200 404 200 404 200 200 200 200 200 404 404 404 404 404 L",
        "· · · 404 · 404 · · · · · 404 404 404 404 404 L",
    ),
    "bulletins:acknowledge": (
        "pk=bulletin",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 403 404 R 404 R R R 403 403 404 404 404 404 404 L",
    ),
    "reports:list": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · · · · · · · · · · · · · · L",
    ),
    "reports:start": (
        "",
        "403 403 200 200 200 403 200 200 200 200 200 200 403 403 403 403 L",
        "403 403 · · · 403 · · · · · · 403 403 403 403 L",
    ),
    "reports:overview": (
        "",
        "200 200 200 200 200 403 200 200 403 403 403 403 403 403 403 403 L",
        "· · · · · 403 · · 403 403 403 403 403 403 403 403 L",
    ),
    "reports:compose": (
        "report_type=report_type",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "reports:detail": (
        "pk=report",
        "200 200 200 404 200 200 200 200 200 404 404 404 404 404 404 404 L",
        "· · · 404 · · · · · 404 404 404 404 404 404 404 L",
    ),
    "reports:receive": (
        "pk=report",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 R 404 R 403 R R 403 404 404 404 404 404 404 404 L",
    ),
    "reports:opinion": (
        "pk=report",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 R 404 R 403 R R 403 404 404 404 404 404 404 404 L",
    ),
    "reports:close": (
        "pk=report",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 403 404 403 403 403 403 R 404 404 404 404 404 404 404 L",
    ),
    "reports:agenda": (
        "pk=report",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 R 404 R 403 R R R 404 404 404 404 404 404 404 L",
    ),
    "reports:attachment": (
        "pk=report",
        "200 200 200 404 200 200 200 200 200 404 404 404 404 404 404 404 L",
        "· · · 404 · · · · · 404 404 404 404 404 404 404 L",
    ),
    "reports:docx": (
        "pk=report",
        "200 200 200 404 200 200 200 200 200 404 404 404 404 404 404 404 L",
        "· · · 404 · · · · · 404 404 404 404 404 404 404 L",
    ),
    "reports:answer": (
        "pk=opinion",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "403 403 403 404 403 403 403 403 R 404 404 404 404 404 404 404 L",
    ),
    "appraisal:index": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 403 403 L",
        "· · · · · · · · · · · · · · 403 403 L",
    ),
    "appraisal:standards": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 403 403 L",
        "· · · · · · · · · · · · · · 403 403 L",
    ),
    "appraisal:standard": (
        "pk=standard",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:standard-settings": (
        "pk=standard",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:criterion-add": (
        "pk=standard",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:standard-defaults": (
        "pk=standard",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:standard-publish": (
        "pk=standard",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:standard-new-version": (
        "pk=standard",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:criterion-update": (
        "pk=criterion",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:criterion-delete": (
        "pk=criterion",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:round-open": (
        "",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "appraisal:round": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:participants": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:links-issue": (
        "pk=round",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 R 403 R R 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:self-report": (
        "pk=round sid=subject",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:self-report-file": (
        "pk=round sid=subject",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:meeting": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:paper": (
        "pk=round",
        "200 403 403 404 200 403 200 200 403 403 403 403 403 403 404 404 L",
        "· 403 403 404 · 403 · · 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:paper-print": (
        "pk=round",
        "200 403 403 404 200 403 200 200 403 403 403 403 403 403 404 404 L",
        "· 403 403 404 · 403 · · 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:vote": (
        "pk=round",
        "404 404 404 404 200 200 200 200 200 200 200 200 404 404 200 404 L",
        "404 404 404 404 · · · · · · · · 404 404 · 404 L",
    ),
    "appraisal:round-close": (
        "pk=round",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R R R R R R R R R R 404 404 L",
    ),
    "appraisal:round-publish": (
        "pk=round",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 R 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:results": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:results-xlsx": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 L",
        "· · · 404 · · · · · · · · · · 404 404 L",
    ),
    "appraisal:publicity": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 200 200 L",
        "· · · 404 · · · · · · · · · · · · L",
    ),
    "appraisal:approve": (
        "pk=round",
        "200 403 200 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
        "· 403 · 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:circulate": (
        "pk=round",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 R 404 403 403 403 403 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:objection-answer": (
        "pk=objection",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R 403 403 404 R 403 R R 403 403 403 403 403 403 404 404 L",
    ),
    "appraisal:public": (
        "pk=round",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
        "· · · · · · · · · · · · · · · · ·",
    ),
    "appraisal:ballot": (
        "token=ballot_token",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "appraisal:circulation": (
        "street_id=street_id year=year",
        "200 200 200 404 200 200 200 200 200 404 404 404 200 200 404 404 L",
        "· · · 404 · · · · · 404 404 404 · · 404 404 L",
    ),
    "appraisal:circulation-docx": (
        "street_id=street_id year=year",
        "200 200 200 404 200 200 200 200 200 404 404 404 200 200 404 404 L",
        "· · · 404 · · · · · 404 404 404 · · 404 404 L",
    ),
    "appraisal:credit": (
        "pk=company",
        "200 200 200 404 200 404 200 200 200 200 200 404 404 404 404 404 L",
        "· · · 404 · 404 · · · · · 404 404 404 404 404 L",
    ),
    "appraisal:history": (
        "pk=organisation",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 200 404 404 L",
        "· · · 404 · · · · · · · 404 · · 404 404 L",
    ),
    "campaigns:index": (
        "",
        "200 200 200 200 200 403 200 200 403 403 403 403 403 403 403 403 L",
        "· · · · · 403 · · 403 403 403 403 403 403 403 403 L",
    ),
    "campaigns:campaign": (
        "pk=campaign",
        "200 200 R R R 404 R R 404 404 404 404 404 404 404 404 L",
        "· · · · · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:campaign-close": (
        "pk=campaign",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R 403 403 403 404 403 403 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:place": (
        "pk=campaign code=community",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:surveys-xlsx": (
        "pk=campaign",
        "200 200 200 200 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · · · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:rollup-xlsx": (
        "pk=campaign",
        "200 200 403 403 403 404 403 403 404 404 404 404 404 404 404 404 L",
        "· · 403 403 403 404 403 403 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:rollup-docx": (
        "pk=campaign",
        "200 200 403 403 403 404 403 403 404 404 404 404 404 404 404 404 L",
        "· · 403 403 403 404 403 403 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:import": (
        "pk=campaign",
        "200 403 200 200 403 404 200 200 404 404 404 404 404 404 404 404 L",
        "· 403 · · 403 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:import-template": (
        "pk=campaign",
        "200 200 200 200 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · · · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:survey-start": (
        "pk=campaign code=compound",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:report-street": (
        "pk=campaign code=street",
        "R R R 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
        "· · · 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:survey": (
        "pk=survey",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:survey-review": (
        "pk=survey",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:survey-scope": (
        "pk=survey",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 R 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:investigation-open": (
        "pk=survey",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 403 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:investigation": (
        "pk=investigation",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:problem-add": (
        "pk=investigation",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 403 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:investigation-conclude": (
        "pk=investigation",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 403 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:investigation-docx": (
        "pk=investigation",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:problem-rectify": (
        "pk=problem",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 403 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:problem-note": (
        "pk=problem",
        "405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 405 L",
        "R R R 404 403 404 R R 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:report": (
        "pk=progress_report",
        "200 200 200 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
        "· · · 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:report-docx": (
        "pk=progress_report",
        "200 200 200 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
        "· · · 404 404 404 404 404 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:epmc": (
        "",
        "R R R R R 403 R R 403 403 403 403 403 403 403 403 L",
        "· · · · · 403 · · 403 403 403 403 403 403 403 403 L",
    ),
    "campaigns:epmc-overview": (
        "",
        "200 200 200 200 403 403 403 403 403 403 403 403 403 403 403 403 L",
        "· · · · 403 403 403 403 403 403 403 403 403 403 403 403 L",
    ),
    "campaigns:epmc-community": (
        "code=community",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:epmc-records": (
        "code=community",
        "R R R 404 R 404 R R 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
    "campaigns:epmc-attachment": (
        "pk=epmc_attachment",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 L",
        "· · · 404 · 404 · · 404 404 404 404 404 404 404 404 L",
    ),
}

API = {
    "sanfang_directory_api_list_places": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_directory_api_get_place": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_directory_api_place_organisations": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_directory_api_me": ("", "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401"),
    "sanfang_meetings_api_list_meetings": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_meetings_api_create_ad_hoc": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_get_meeting": (
        "pk=meeting",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 401",
    ),
    "sanfang_meetings_api_update_meeting": (
        "pk=meeting",
        "422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 401",
    ),
    "sanfang_meetings_api_cancel_meeting": (
        "pk=meeting",
        "200 403 403 404 200 403 403 200 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_add_participant": (
        "pk=meeting",
        "400 403 403 404 403 403 403 400 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_remove_participant": (
        "pk=meeting pid=participant",
        "204 403 403 404 403 403 403 204 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_entrust": (
        "pk=meeting",
        "400 403 403 404 400 403 403 403 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_attendance": (
        "pk=meeting pid=participant",
        "400 403 403 404 403 403 403 400 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_checkin": (
        "pk=meeting",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400 400 401",
    ),
    "sanfang_meetings_api_held": (
        "pk=meeting",
        "400 403 403 404 403 403 403 400 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_notice": (
        "pk=meeting",
        "200 403 403 404 403 403 403 200 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_minutes": (
        "pk=meeting",
        "400 403 403 404 403 403 403 400 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_add_resolution": (
        "pk=meeting",
        "400 403 403 404 403 403 403 400 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_list_items": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_meetings_api_raise_item": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_screen": (
        "pk=item",
        "400 403 403 404 403 403 403 400 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_get_document": (
        "pk=document",
        "200 200 200 404 200 404 404 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_edit_document": (
        "pk=document",
        "200 403 403 404 403 404 404 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_request_sign": (
        "pk=document",
        "200 403 403 404 403 404 404 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_sign": (
        "pk=document",
        "403 403 403 404 200 404 404 403 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_addendum": (
        "pk=document",
        "400 403 403 404 403 404 404 400 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_document_docx": (
        "pk=document",
        "200 200 200 404 200 404 404 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_list_resolutions": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_meetings_api_get_resolution": (
        "pk=resolution",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 401",
    ),
    "sanfang_meetings_api_progress": (
        "pk=resolution",
        "200 403 403 404 403 403 403 200 403 200 200 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_create_summary": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_meetings_api_get_summary": (
        "pk=summary",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 404 404 404 401",
    ),
    "sanfang_meetings_api_edit_summary": (
        "pk=summary",
        "200 403 403 404 403 403 403 200 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_sign_summary": (
        "pk=summary",
        "403 403 403 404 200 403 403 403 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_submit_summary": (
        "pk=summary",
        "400 403 403 404 400 403 403 400 403 403 403 403 403 404 404 404 401",
    ),
    "sanfang_meetings_api_overview": (
        "",
        "422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 401",
    ),
    "sanfang_meetings_api_workbench": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_cases_api_report": (
        "code=compound",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    ),
    "sanfang_cases_api_follow": (
        "token=follow_token",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_cases_api_feedback": (
        "token=follow_token",
        "400 400 400 400 400 400 400 400 400 400 400 400 400 400 400 400 400",
    ),
    "sanfang_cases_api_board": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_cases_api_list_cases": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_cases_api_create_case": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_cases_api_get_case": (
        "pk=case",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 200 200 404 401",
    ),
    "sanfang_cases_api_classify": (
        "pk=case",
        "400 403 403 404 400 403 400 400 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_cannot_solve": (
        "pk=case",
        "400 403 403 404 400 403 400 400 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_resolve": (
        "pk=case",
        "400 403 403 404 400 403 400 400 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_progress": (
        "pk=case",
        "200 403 403 404 200 200 200 200 200 200 200 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_hand_over": (
        "pk=case",
        "400 403 403 404 400 400 400 400 400 400 400 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_investigation": (
        "pk=case",
        "400 403 403 404 400 400 400 400 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_report_major": (
        "pk=case",
        "400 403 403 404 400 400 400 400 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_propose": (
        "pk=case",
        "400 403 403 404 400 403 400 400 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_summons": (
        "pk=case",
        "400 403 403 404 400 403 403 403 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_summon_departments": (
        "pk=case",
        "400 403 400 404 403 403 403 403 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_report_in": (
        "sid=summons",
        "200 403 403 404 403 403 403 403 403 403 403 404 403 200 403 404 401",
    ),
    "sanfang_cases_api_list_summonses": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_cases_api_review": (
        "pk=case",
        "400 403 403 404 400 403 400 400 403 403 403 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_explain": (
        "pk=case",
        "400 403 403 404 403 403 400 400 400 400 400 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_sign": (
        "pk=case eid=explanation",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_cases_api_engage": (
        "pk=case",
        "400 403 403 404 400 400 400 400 400 400 400 404 403 403 403 404 401",
    ),
    "sanfang_cases_api_engagements": (
        "pk=case",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 200 200 404 401",
    ),
    "sanfang_cases_api_list_matters": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_cases_api_open_matter": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_cases_api_get_matter": (
        "pk=matter",
        "200 200 200 404 200 200 200 200 200 200 200 404 200 404 404 404 401",
    ),
    "sanfang_cases_api_invite": (
        "pk=matter",
        "400 403 403 404 403 403 400 400 403 403 403 404 403 404 404 404 401",
    ),
    "sanfang_cases_api_acknowledge": (
        "pk=matter",
        "400 403 403 404 400 403 403 403 403 403 403 404 403 404 404 404 401",
    ),
    "sanfang_cases_api_advance": (
        "pk=matter",
        "400 403 403 404 400 403 400 400 400 403 403 404 403 404 404 404 401",
    ),
    "sanfang_cases_api_rates": ("", "422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 401"),
    "sanfang_cases_api_bounces": ("", "422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 422 401"),
    "sanfang_publicity_api_get_board": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_publicity_api_item_versions": (
        "code=compound item_id=board_item",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_publicity_api_verify_board": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_publicity_api_share": (
        "code=compound",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_publicity_api_list_items": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_publicity_api_publish": (
        "item_id=board_item",
        "400 403 403 404 403 403 403 403 403 400 400 404 404 404 404 404 401",
    ),
    "sanfang_publicity_api_withdraw": (
        "item_id=board_item",
        "200 403 403 404 403 403 403 403 403 200 200 404 404 404 404 404 401",
    ),
    "sanfang_publicity_api_charge_change": (
        "code=compound",
        "400 403 403 404 403 403 403 403 403 400 400 404 404 404 404 404 401",
    ),
    "sanfang_bulletins_api_list_bulletins": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_bulletins_api_send_bulletin": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_bulletins_api_get_bulletin": (
        "bulletin_id=bulletin",
        "200 200 200 404 200 404 200 200 200 200 200 404 404 404 404 404 401",
    ),
    "sanfang_bulletins_api_acknowledge": (
        "bulletin_id=bulletin",
        "403 403 403 404 200 404 200 200 200 403 403 404 404 404 404 404 401",
    ),
    "sanfang_reports_api_report_types": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_reports_api_list_reports": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_reports_api_create_report": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_reports_api_get_report": (
        "report_id=report",
        "200 200 200 404 200 200 200 200 200 404 404 404 404 404 404 404 401",
    ),
    "sanfang_reports_api_receive": (
        "report_id=report",
        "403 403 400 404 200 403 200 200 403 404 404 404 404 404 404 404 401",
    ),
    "sanfang_reports_api_give_opinion": (
        "report_id=report",
        "403 403 201 404 201 403 201 201 403 404 404 404 404 404 404 404 401",
    ),
    "sanfang_reports_api_answer": (
        "opinion_id=opinion",
        "403 403 403 404 403 403 403 403 200 404 404 404 404 404 404 404 401",
    ),
    "sanfang_reports_api_close": (
        "report_id=report",
        "403 403 403 404 403 403 403 403 400 404 404 404 404 404 404 404 401",
    ),
    "sanfang_appraisal_api_list_standards": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_appraisal_api_create_standard": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_appraisal_api_get_standard": (
        "pk=standard",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 401",
    ),
    "sanfang_appraisal_api_add_criterion": (
        "pk=standard",
        "400 403 400 404 403 403 403 403 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_publish_standard": (
        "pk=standard",
        "400 403 400 404 403 403 403 403 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_list_rounds": (
        "",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 401",
    ),
    "sanfang_appraisal_api_open_round": (
        "",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_appraisal_api_get_round": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 401",
    ),
    "sanfang_appraisal_api_list_participants": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 401",
    ),
    "sanfang_appraisal_api_add_participant": (
        "pk=round",
        "400 403 403 404 400 403 400 400 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_get_results": (
        "pk=round",
        "200 200 200 404 200 200 200 200 200 200 200 200 200 200 404 404 401",
    ),
    "sanfang_appraisal_api_close_round": (
        "pk=round",
        "400 400 400 404 400 400 400 400 400 400 400 400 400 400 404 404 401",
    ),
    "sanfang_appraisal_api_publish_round": (
        "pk=round",
        "400 403 403 404 400 403 403 403 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_approve_round": (
        "pk=round",
        "400 403 400 404 403 403 403 403 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_circulate_round": (
        "pk=round",
        "400 403 400 404 403 403 403 403 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_public_result": (
        "pk=round",
        "200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200 200",
    ),
    "sanfang_appraisal_api_raise_objection": (
        "pk=round",
        "201 403 403 403 201 201 201 201 201 201 201 201 201 403 201 201 401",
    ),
    "sanfang_appraisal_api_answer_objection": (
        "pk=objection",
        "200 403 403 404 200 403 200 200 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_submit_self_report": (
        "pk=round sid=subject",
        "400 400 400 404 400 400 400 400 400 400 400 400 400 400 404 404 401",
    ),
    "sanfang_appraisal_api_record_meeting": (
        "pk=round",
        "200 403 403 404 200 403 200 200 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_enter_paper": (
        "pk=round",
        "400 403 403 404 400 403 400 400 403 403 403 403 403 403 404 404 401",
    ),
    "sanfang_appraisal_api_ballot_questions": (
        "token=ballot_token",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "sanfang_appraisal_api_cast_ballot": (
        "token=ballot_token",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404",
    ),
    "sanfang_appraisal_api_company_credit": (
        "pk=company",
        "200 200 200 404 200 404 200 200 200 200 200 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_list_campaigns": (
        "",
        "200 200 200 200 200 403 200 200 403 403 403 403 403 403 403 403 401",
    ),
    "sanfang_campaigns_api_open_campaign": (
        "",
        "403 201 403 403 403 403 403 403 403 403 403 403 403 403 403 403 401",
    ),
    "sanfang_campaigns_api_get_campaign": (
        "campaign_id=campaign",
        "200 200 200 200 200 404 200 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_rollup": (
        "campaign_id=campaign",
        "200 200 403 403 403 404 403 403 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_list_surveys": (
        "campaign_id=campaign",
        "200 200 200 200 200 404 200 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_start_survey": (
        "campaign_id=campaign",
        "404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_get_survey": (
        "survey_id=survey",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_patch_survey": (
        "survey_id=survey",
        "400 403 400 404 403 404 400 400 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_submit_survey": (
        "survey_id=survey",
        "400 403 400 404 403 404 400 400 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_review_survey": (
        "survey_id=survey",
        "400 400 400 404 400 404 400 400 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_adjust_scope": (
        "survey_id=survey",
        "400 400 400 404 403 404 403 403 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_open_investigation": (
        "survey_id=survey",
        "400 400 400 404 403 404 400 400 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_get_investigation": (
        "investigation_id=investigation",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_add_problem": (
        "investigation_id=investigation",
        "400 400 400 404 403 404 400 400 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_conclude": (
        "investigation_id=investigation",
        "400 400 400 404 403 404 400 400 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_rectify": (
        "problem_id=problem",
        "200 200 200 404 403 404 200 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_get_report": (
        "campaign_id=campaign street_code=street",
        "200 200 200 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_patch_report": (
        "report_id=progress_report",
        "200 403 200 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_submit_report": (
        "report_id=progress_report",
        "400 403 400 404 404 404 404 404 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_list_activities": (
        "community_code=community",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_record_activity": (
        "community_code=community",
        "400 403 403 404 403 403 400 400 403 403 403 403 403 403 403 403 401",
    ),
    "sanfang_campaigns_api_members": (
        "community_code=community",
        "200 200 200 404 200 404 200 200 404 404 404 404 404 404 404 404 401",
    ),
    "sanfang_campaigns_api_idle": ("", "200 200 200 200 403 403 403 403 403 403 403 403 403 403 403 403 401"),
}
