"""Directory pages: login, resident sign-up, profile, and browsing/managing places and organisations."""

from __future__ import annotations

import pyotp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Prefetch, Q, Value
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sanfang.core import audit, ratelimit
from sanfang.core.api_auth import issue_token
from sanfang.core.errors import DomainError
from sanfang.core.models import ApiToken

from . import permissions, services
from .auth import accept_totp, is_locked
from .forms import (
    PLACE_CHILD_KIND,
    AppointForm,
    ContractEndForm,
    ContractForm,
    LoginForm,
    OrganisationForm,
    PlaceForm,
    RejectForm,
    ResidencyClaimForm,
    ResidentRegistrationForm,
)
from .models import Building, Organisation, Person, Place, PlaceKind, Position, Residency, ServiceContract
from .scopes import ROLE_LABELS, get_scope

TOTP_SESSION_KEY = "sanfang_totp_pending"


def _safe_next(request, default="core:todos"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(default)


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request))
    # An empty POST is still a submission: bind it so the form says which fields are missing.
    form = LoginForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        from django.contrib.auth import authenticate

        login_name = form.cleaned_data["username"]
        try:
            ratelimit.hit(request, "login")
        except ratelimit.RateLimited as exc:
            form.add_error(None, exc.message)
            return render(request, "registration/login.html", {"form": form, "next": ""}, status=429)
        person = authenticate(request, username=login_name, password=form.cleaned_data["password"])
        if person is None:
            if is_locked(login_name):
                form.add_error(
                    None,
                    _("密码错误次数过多，账号已暂时锁定，请 %(minutes)s 分钟后再试，或联系管理员。")
                    % {"minutes": settings.LOGIN_LOCKOUT_MINUTES},
                )
            else:
                form.add_error(None, _("手机号（用户名）或密码不正确。"))
        elif person.totp_enabled:
            request.session[TOTP_SESSION_KEY] = {"pk": person.pk, "next": _safe_next(request)}
            return redirect("login-totp")
        else:
            login(request, person)
            audit.record(actor=person, verb="login", target=person)
            return redirect(_safe_next(request))
    return render(request, "registration/login.html", {"form": form, "next": request.GET.get("next", "")})


def totp_verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(TOTP_SESSION_KEY)
    if not pending:
        return redirect("login")
    person = get_object_or_404(Person, pk=pending["pk"], is_active=True)
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip()
        try:
            ratelimit.hit(request, "login.totp")
        except ratelimit.RateLimited as exc:
            return render(request, "registration/totp.html", {"error": exc.message}, status=429)
        if person.is_locked:
            error = _("验证失败次数过多，账号已暂时锁定。")
        elif accept_totp(person, code):
            del request.session[TOTP_SESSION_KEY]
            person.backend = "sanfang.directory.auth.PhoneOrUsernameBackend"
            login(request, person)
            audit.record(actor=person, verb="login", target=person, summary="totp")
            return redirect(pending.get("next") or "core:todos")
        else:
            from .auth import record_failure

            record_failure(person)
            error = _("验证码不正确或已过期。")
    return render(request, "registration/totp.html", {"error": error})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("login")


def register(request: HttpRequest) -> HttpResponse:
    """A resident signs up against their compound (reached from the board's QR code with ?compound=CODE)."""
    initial_compound = None
    if code := request.GET.get("compound"):
        initial_compound = Place.objects.compounds().filter(code=code).first()
    form = ResidentRegistrationForm(
        request.POST or None, compound=initial_compound, initial={"compound": initial_compound}
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            ratelimit.hit(request, "register")
            person = services.register_resident(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status if isinstance(exc, ratelimit.RateLimited) else 200
        else:
            person.backend = "sanfang.directory.auth.PhoneOrUsernameBackend"
            login(request, person)
            messages.success(
                request, _("登记成功。居委会或物业核实后，您就能以居民身份参与评议、查看本小区信息。")
            )
            return redirect("core:todos")
    return render(
        request, "directory/register.html", {"form": form, "compound": initial_compound}, status=status
    )


@login_required
def register_residency(request: HttpRequest) -> HttpResponse:
    form = ResidencyClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_residency(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已提交，等待居委会或物业核实。"))
            return redirect("directory:profile")
    return render(request, "directory/register.html", {"form": form, "claim": True})


def buildings_options(request: HttpRequest) -> HttpResponse:
    """htmx: the building choices of the selected compound (building names are public facts)."""
    compound_id = request.GET.get("compound")
    buildings = (
        Building.objects.filter(compound_id=compound_id) if compound_id and compound_id.isdigit() else []
    )
    return render(request, "directory/_building_options.html", {"buildings": buildings})


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    scope = get_scope(request.user)
    positions = Position.objects.current().filter(person=request.user).select_related("organisation__place")
    residencies = Residency.objects.filter(person=request.user).select_related("compound", "building")
    tokens = ApiToken.objects.filter(person=request.user, revoked_at__isnull=True)
    new_token = request.session.pop("new_api_token", None)
    totp_uri = None
    if request.user.totp_secret and not request.user.totp_enabled:
        totp_uri = pyotp.TOTP(request.user.totp_secret).provisioning_uri(
            name=request.user.phone or request.user.username or str(request.user.pk), issuer_name="Sanfang"
        )
    return render(
        request,
        "directory/profile.html",
        {
            "positions": positions,
            "residencies": residencies,
            "tokens": tokens,
            "new_token": new_token,
            "roles": sorted({str(ROLE_LABELS[g.role]) for g in scope.grants}),
            "totp_uri": totp_uri,
            "can_use_totp": scope.is_staff_member,
        },
    )


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()[:100] or _("未命名")
    token, raw = issue_token(request.user, name)
    audit.record(actor=request.user, verb="api_token.create", target=token)
    request.session["new_api_token"] = raw
    return redirect("directory:profile")


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    from django.utils import timezone

    token = get_object_or_404(ApiToken, pk=pk, person=request.user, revoked_at__isnull=True)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    audit.record(actor=request.user, verb="api_token.revoke", target=token)
    messages.success(request, _("令牌已作废。"))
    return redirect("directory:profile")


@login_required
@require_POST
def totp_setup(request: HttpRequest) -> HttpResponse:
    """Staff turn on two-step verification: a secret is shown, then confirmed with a first code."""
    user = request.user
    if not get_scope(user).is_staff_member:
        raise PermissionDenied
    action = request.POST.get("action")
    if action == "start":
        user.totp_secret = pyotp.random_base32()
        user.totp_enabled, user.totp_last_step = False, None
        user.save(update_fields=["totp_secret", "totp_enabled", "totp_last_step"])
    elif action == "confirm":
        if accept_totp(user, request.POST.get("code", "")):
            user.totp_enabled = True
            user.save(update_fields=["totp_enabled"])
            audit.record(actor=user, verb="totp.enable", target=user)
            messages.success(request, _("两步验证已开启。"))
        else:
            messages.error(request, _("验证码不正确，请重新输入。"))
    elif action == "disable":
        user.totp_enabled, user.totp_secret = False, ""
        user.save(update_fields=["totp_enabled", "totp_secret"])
        audit.record(actor=user, verb="totp.disable", target=user)
        messages.success(request, _("两步验证已关闭。"))
    return redirect("directory:profile")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """PIPL art. 45: a copy of everything the platform keeps about me, as a .zip (data.json and my photos)."""
    from django.utils import timezone

    from . import privacy

    blob = privacy.export_archive(actor=request.user, person=request.user)
    response = HttpResponse(blob, content_type="application/zip")
    name = f"sanfang-my-data-{timezone.localdate():%Y%m%d}.zip"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def erase_account(request: HttpRequest) -> HttpResponse:
    """PIPL art. 47: I delete my account and personal data myself, after entering my password again."""
    from . import privacy

    blockers = privacy.erasure_blockers(request.user)
    error = ""
    if request.method == "POST" and not blockers:
        try:
            privacy.erase_person(
                actor=request.user, person=request.user, password=request.POST.get("password", "")
            )
        except DomainError as exc:
            error = exc.message
        else:
            logout(request)
            messages.success(request, _("您的账号已注销，个人信息已删除。"))
            return redirect("/")
    status = 400 if error else 200
    return render(
        request, "directory/erase_account.html", {"blockers": blockers, "error": error}, status=status
    )


# --- Browsing and managing --------------------------------------------------------------------------------


@login_required
def places(request: HttpRequest) -> HttpResponse:
    """The places in my scope, top level first."""
    scope = get_scope(request.user)
    visible = Place.objects.visible_to(request.user)
    q = request.GET.get("q", "").strip()
    if q:
        qs = visible.filter(Q(name__icontains=q) | Q(code__startswith=q)).select_related("parent")
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
        return render(request, "directory/places.html", {"page": page, "q": q})
    tops = visible.exclude(parent__in=visible).select_related("parent")
    if not scope.grants and not scope.is_superuser:
        tops = Place.objects.none()
    page = Paginator(tops, 50).get_page(request.GET.get("page"))
    return render(request, "directory/places.html", {"page": page, "q": q})


@login_required
def place_detail(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.select_related("parent"), code=code)
    scope = get_scope(request.user)
    if not permissions.can_see_place(request.user, place):
        raise Http404
    internal = permissions.can_see_internal(request.user, place)
    can_manage = permissions.can_manage_place(request.user, place)
    children = place.children.annotate(
        n=Count("children"),
        # Neighbouring compounds a company or resident does not serve are listed by name only.
        reachable=Value(True)
        if scope.is_superuser
        else ExpressionWrapper(scope.place_q("path"), output_field=BooleanField()),
    ).order_by("code")
    positions = Position.objects.current().select_related("person")
    organisations = place.organisations.prefetch_related(Prefetch("positions", queryset=positions))
    ctx = {
        "place": place,
        # Ancestors outside the person's scope are named, not linked (their page would be a 404).
        "ancestors": [(a, scope.is_superuser or scope.reaches(a)) for a in place.ancestors()],
        "children": Paginator(children, 100).get_page(request.GET.get("page")),
        "organisations": organisations,
        "internal": internal,
        "can_manage": can_manage,
        "child_kind": PLACE_CHILD_KIND.get(place.kind),
        "child_kind_label": PlaceKind(PLACE_CHILD_KIND[place.kind]).label
        if place.kind in PLACE_CHILD_KIND
        else "",
    }
    if place.kind == PlaceKind.COMMUNITY:
        ctx["tree"] = services.governance_tree(place)
        ctx["convener"] = services.convener_for(place)
        ctx["epmc_lead"] = services.epmc_lead_for(place)
    if place.kind == PlaceKind.COMPOUND:
        ctx["buildings"] = place.buildings.all()
        today = timezone.localdate()
        contracts = list(ServiceContract.objects.filter(compound=place).select_related("company"))
        for c in contracts:  # a form per contract still running, each with its own field ids
            running = can_manage and (c.end is None or c.end > today)
            c.end_form = ContractEndForm(prefix=f"c{c.pk}", initial={"end": today}) if running else None
        ctx["contracts"] = contracts
        ctx["contract_form"] = ContractForm() if can_manage else None
        if internal:
            ctx["pending"] = permissions.residencies_to_verify(request.user).filter(compound=place)
            ctx["can_manage_residents"] = permissions.can_verify_residents_at(request.user, place)
    if can_manage:
        ctx["place_form"] = PlaceForm() if place.kind in PLACE_CHILD_KIND else None
        ctx["org_form"] = OrganisationForm()
    return render(request, "directory/place.html", ctx)


@login_required
@require_POST
def place_add_child(request: HttpRequest, code: str) -> HttpResponse:
    parent = permissions.get_place_to_manage(request.user, code)
    form = PlaceForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("请检查填写的内容：") + _("；").join(f"{k}: {v[0]}" for k, v in form.errors.items())
        )
        return redirect("directory:place", code=code)
    data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        child = services.create_place(
            actor=request.user, kind=PLACE_CHILD_KIND[parent.kind], parent=parent, **data
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("directory:place", code=code)
    messages.success(request, _("已添加 %(name)s。") % {"name": child.name})
    return redirect("directory:place", code=child.code)


@login_required
@require_POST
def organisation_add(request: HttpRequest, code: str) -> HttpResponse:
    place = permissions.get_place_to_manage(request.user, code)
    form = OrganisationForm(request.POST)
    if form.is_valid():
        try:
            services.create_organisation(actor=request.user, place=place, **form.cleaned_data)
            messages.success(request, _("组织已添加。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请填写组织类型和名称。"))
    return redirect("directory:place", code=code)


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = get_object_or_404(Organisation.objects.select_related("place"), pk=pk)
    scope = get_scope(request.user)
    if not permissions.can_see_organisation(request.user, org):
        raise Http404
    can_manage = permissions.can_manage_organisation(request.user, org)
    positions = org.positions.select_related("person").order_by("-is_head", "term_end", "id")
    form = AppointForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = Person.objects.filter(phone=data["phone"]).first() if data["phone"] else None
                if person is None:
                    person = services.create_person(
                        actor=request.user, name=data["name"], phone=data["phone"]
                    )
                services.appoint(
                    actor=request.user,
                    person=person,
                    organisation=org,
                    title=data["title"],
                    is_head=data["is_head"],
                    leads_epmc=data["leads_epmc"],
                    term_start=data["term_start"],
                    term_end=data["term_end"],
                    contact_public=data["contact_public"],
                    contact=data["contact"],
                    is_party_member=data["is_party_member"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("已任命 %(name)s。") % {"name": person.name})
                return redirect("directory:organisation", pk=org.pk)
    contracts = org.contracts.select_related("compound") if org.kind == "property_company" else None
    return render(
        request,
        "directory/organisation.html",
        {
            "org": org,
            "positions": positions,
            "form": form,
            "can_manage": can_manage,
            "contracts": contracts,
            "internal": permissions.can_see_internal(request.user, org.place) or pk in scope.organisation_ids,
        },
    )


@login_required
@require_POST
def position_end(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(Position.objects.select_related("organisation__place"), pk=pk)
    if not permissions.can_see_organisation(request.user, position.organisation):
        raise Http404
    if not permissions.can_manage_organisation(request.user, position.organisation):
        raise PermissionDenied
    try:
        services.end_position(actor=request.user, position=position)
        messages.success(request, _("任职已结束。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("directory:organisation", pk=position.organisation_id)


@login_required
@require_POST
def contract_add(request: HttpRequest, code: str) -> HttpResponse:
    compound = permissions.get_place_to_manage(request.user, code, kind=PlaceKind.COMPOUND)
    form = ContractForm(request.POST)
    if form.is_valid():
        try:
            services.sign_contract(actor=request.user, compound=compound, **form.cleaned_data)
            messages.success(request, _("合同已登记。"))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请完整填写合同信息。"))
    return redirect("directory:place", code=code)


@login_required
@require_POST
def contract_end(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    compound = permissions.get_place_to_manage(request.user, code, kind=PlaceKind.COMPOUND)
    contract = get_object_or_404(ServiceContract, pk=pk, compound=compound)
    form = ContractEndForm(request.POST, prefix=f"c{contract.pk}")
    if form.is_valid():
        try:
            services.end_contract(
                actor=request.user,
                contract=contract,
                on=form.cleaned_data["end"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request,
                _("合同已结束：%(date)s 以后，该企业不再为本小区服务，公示栏和工作权限随之更新。")
                % {"date": form.cleaned_data["end"]},
            )
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, _("请填写服务最后一天和结束原因。"))
    return redirect("directory:place", code=code)


@login_required
def residents_pending(request: HttpRequest) -> HttpResponse:
    # Only the residents this person may decide on: oversight sees the numbers elsewhere, not the buttons.
    qs = permissions.residencies_to_verify(request.user).order_by("created_at", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "directory/residents_pending.html", {"page": page, "reject_form": RejectForm()})


@login_required
@require_POST
def residency_decide(request: HttpRequest, pk: int) -> HttpResponse:
    residency = permissions.residencies_visible_to(request.user).filter(pk=pk).first()
    if residency is None:
        raise Http404
    approve = request.POST.get("decision") == "approve"
    try:
        services.verify_residency(
            actor=request.user, residency=residency, approve=approve, reason=request.POST.get("reason", "")
        )
        messages.success(request, _("已核实。") if approve else _("已退回，居民会看到原因。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("directory:residents-pending")


@login_required
@require_POST
def residency_end(request: HttpRequest, pk: int) -> HttpResponse:
    """A resident records on their profile that they moved out (the service also lets the RC / the serving company
    record it for them)."""
    residency = get_object_or_404(Residency.objects.select_related("compound"), pk=pk, person=request.user)
    try:
        services.end_residency(actor=request.user, residency=residency)
        messages.success(request, _("已登记迁出：%(compound)s。") % {"compound": residency.compound.name})
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("directory:profile")


# The register's filters a move-out keeps when it sends the worker back to the same page of the same search.
REGISTER_PARAMS = ("q", "compound", "page")
# Past this many compounds (an administrator's whole county) the filter is a search by name, not a menu.
COMPOUND_MENU_MAX = 100


@login_required
def residents(request: HttpRequest) -> HttpResponse:
    """The residents' register: the verified residents of the compounds this person may verify, where a worker
    records that one has moved out (people who verify nowhere see an empty register, like the pending page)."""
    qs = permissions.residencies_to_manage(request.user)
    compounds = list(permissions.compounds_to_manage(request.user)[: COMPOUND_MENU_MAX + 1])
    compound = request.GET.get("compound", "").strip()
    if compound:
        qs = qs.filter(compound__code=compound)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(person__name__icontains=q)
            | Q(room__icontains=q)
            | Q(building__name__icontains=q)
            | Q(compound__name__icontains=q)
        )
    qs = qs.order_by("compound__name", "compound_id", F("building__name").asc(nulls_first=True), "room", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "directory/residents.html",
        {
            "page": page,
            "q": q,
            "compound": compound,
            "compounds": compounds if 1 < len(compounds) <= COMPOUND_MENU_MAX else [],
            "verifies": bool(compounds),
        },
    )


@login_required
@require_POST
def residency_moved_out(request: HttpRequest, pk: int) -> HttpResponse:
    """The RC or the serving company records, with a reason, that a resident of their register moved out."""
    residency = permissions.get_residency_to_manage(request.user, pk)
    try:
        services.end_residency(actor=request.user, residency=residency, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已登记迁出：%(name)s，%(address)s。")
            % {"name": residency.person.name, "address": residency.address},
        )
    back = {k: request.GET[k] for k in REGISTER_PARAMS if request.GET.get(k)}
    return redirect(reverse("directory:residents") + (f"?{urlencode(back)}" if back else ""))


def compound_search(request: HttpRequest) -> HttpResponse:
    """Public: find a compound to see its board or sign up as a resident."""
    q = request.GET.get("q", "").strip()
    qs = Place.objects.compounds().select_related("parent")
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code=q) | Q(address__icontains=q))
    page = Paginator(qs.order_by("name"), 30).get_page(request.GET.get("page")) if q else None
    return render(request, "directory/compound_search.html", {"q": q, "page": page})
