"""The four workflows: every transition from every state, guards, roles, clocks, history."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from casework.models import Case, CaseDeadline, CaseHistory, CaseType, Confidentiality, RiecInbreng
from casework.services import (
    case_spawn_linked,
    case_transition,
    plan_action_add,
    referral_set,
)
from casework.services.transitions import _seal, inbreng_verify
from workflows.calendar import add_working_days
from workflows.machines import MACHINES, InputKind, Machine, Transition

from .factories import invite, make_case

pytestmark = pytest.mark.django_db
CONFIDENTIAL = {"riec"}


def inputs_for(spec: Transition, machine: Machine) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in spec.inputs:
        if item.kind == InputKind.CHOICE:
            values[item.name] = (item.choices or machine.closing_reasons)[-1]
        elif item.kind == InputKind.INTEGER:
            values[item.name] = item.maximum or 1
        else:
            values[item.name] = f"{item.label}: tekst"
    if "measure" in values:
        values["measure"] = "huisverbod"
    return values


def satisfied_case(orgs, actors, case_type: str) -> Case:
    """A case of ``case_type`` on which every guard of its machine is satisfied."""
    coordinator = actors["coordinator"]
    confidential = case_type in CONFIDENTIAL
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=coordinator,
        case_type=CaseType(case_type),
        confidentiality=Confidentiality.HIGHEST if confidential else Confidentiality.NORMAL,
        with_content=False,
    )
    partners = [] if confidential else [orgs["ggz"], orgs["politie"]]
    if case_type == "jeugdoverlast":
        partners += [orgs["om"], orgs["jongerenwerk"]]
    for organisation in partners:
        invite(case, organisation, coordinator)
    Case.objects.filter(pk=case.pk).update(signal_count=3, casusregisseur=coordinator)
    case.refresh_from_db()
    plan_action_add(
        case=case,
        actor=coordinator,
        title="Huisbezoek",
        owner_organisation=orgs["ggz"],
        due_date=timezone.localdate(),
    )
    if case_type == "multiproblem":
        referral_set(
            case=case,
            actor=coordinator,
            reason="Schulden",
            goal="Stabiliseren",
            discussed_with_person=True,
            proposed_partners=partners,
        )
    if case_type == "riec":
        _fresh_inbreng(case, coordinator)
    # A zienswijze came in: the gedragsaanwijzing may be imposed.
    CaseDeadline.objects.create(
        case=case,
        key="zienswijze_deadline",
        started_on=timezone.localdate(),
        due_on=timezone.localdate(),
        met_at=timezone.now(),
    )
    return case


def performer(actors, spec: Transition) -> Any:
    return (
        actors["teamlead"]
        if spec.permission.codename == "approve_escalations"
        else actors["coordinator"]
    )


@pytest.mark.parametrize("case_type", list(MACHINES))
def test_every_transition_from_every_state(orgs, actors, token_client, case_type):
    """Allowed from its sources (200, state = target, one history row); 409 from elsewhere."""
    machine = MACHINES[case_type]
    case = satisfied_case(orgs, actors, case_type)
    clients = {name: token_client(actors[name]) for name in ("coordinator", "teamlead")}
    checked = 0
    for state in machine.states:
        for spec in machine.transitions:
            Case.objects.filter(pk=case.pk).update(state=state.name)
            RiecInbreng.objects.filter(case=case).exclude(sealed_at=None).exists() or None
            client = clients[
                "teamlead" if spec.permission.codename == "approve_escalations" else "coordinator"
            ]
            before = CaseHistory.objects.filter(case=case, kind="transition").count()
            body = {
                "transition": spec.name,
                "reason": "Reden voor de stap",
                **inputs_for(spec, machine),
            }
            if spec.name == "inbrengen":
                _fresh_inbreng(case, actors["coordinator"])
            response = client.post(f"/api/v1/cases/{case.uuid}/transitions/", body, format="json")
            if state.name in spec.source:
                assert response.status_code == 200, (state.name, spec.name, response.json())
                assert response.json()["state"] == spec.target
                after = CaseHistory.objects.filter(case=case, kind="transition").count()
                assert after == before + 1
            else:
                assert response.status_code == 409, (state.name, spec.name, response.json())
                assert CaseHistory.objects.filter(case=case, kind="transition").count() == before
            checked += 1
    assert checked == len(machine.states) * len(machine.transitions)


def _fresh_inbreng(case: Case, coordinator) -> None:
    """A prepared, unsealed inbreng by the coordinator (a case may be brought in again)."""
    if not RiecInbreng.objects.filter(case=case, sealed_at__isnull=True).exists():
        RiecInbreng.objects.create(
            case=case,
            content="Signaal hennep",
            requested_by=coordinator,
            content_sha256=_seal("Signaal hennep"),
        )


GUARDED = [
    (machine.case_type, spec.name)
    for machine in MACHINES.values()
    for spec in machine.transitions
    if spec.guards
]


@pytest.mark.parametrize(("case_type", "name"), GUARDED)
def test_every_guard_refuses_with_a_message(orgs, actors, token_client, case_type, name):
    machine = MACHINES[case_type]
    spec = machine.by_name[name]
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType(case_type),
        confidentiality=Confidentiality.HIGHEST
        if case_type in CONFIDENTIAL
        else Confidentiality.NORMAL,
        with_content=False,
    )
    Case.objects.filter(pk=case.pk).update(state=spec.source[0])
    if case_type == "multiproblem" and name != "triageren":
        # A referral naming a partner who does not take part yet (triageren: no referral).
        referral_set(
            case=case,
            actor=actors["coordinator"],
            reason="r",
            goal="g",
            discussed_with_person=True,
            proposed_partners=[orgs["ggz"]],
        )
    if spec.name == "gedragsaanwijzing_opleggen":  # zienswijze period still running
        CaseDeadline.objects.create(
            case=case,
            key="zienswijze_deadline",
            started_on=timezone.localdate(),
            due_on=timezone.localdate() + timedelta(days=14),
        )
    response = token_client(performer(actors, spec)).post(
        f"/api/v1/cases/{case.uuid}/transitions/",
        {"transition": name, "reason": "Reden", **inputs_for(spec, machine)},
        format="json",
    )
    assert response.status_code == 400, response.json()
    messages = response.json()["errors"]["transition"]
    assert messages and all(isinstance(m, str) and len(m) > 10 for m in messages)
    case.refresh_from_db()
    assert case.state == spec.source[0]


def test_guard_messages_are_dutch_and_name_the_partner(orgs, actors, token_client):
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.MULTIPROBLEM,
        with_content=False,
    )
    referral_set(
        case=case,
        actor=actors["coordinator"],
        reason="r",
        goal="g",
        discussed_with_person=True,
        proposed_partners=[orgs["ggz"]],
    )
    Case.objects.filter(pk=case.pk).update(state="triage")
    response = token_client(actors["coordinator"]).post(
        f"/api/v1/cases/{case.uuid}/transitions/", {"transition": "accepteren"}, format="json"
    )
    assert response.json()["errors"]["transition"] == [
        "Er is nog geen grondslag vastgelegd voor GGZ Testwaard."
    ]


@pytest.mark.parametrize(
    ("actor", "transition", "status"),
    [
        ("ggz", "quickscan_starten", 403),  # sees the case, may not move it
        ("ggz", "bestaat_niet", 403),  # refused whatever the step's name
        ("boa", "quickscan_starten", 404),
        ("jongerenwerk", "quickscan_starten", 404),
        ("buurcoordinator", "quickscan_starten", 404),
        ("coordinator", "bestaat_niet", 400),
    ],
)
def test_wrong_role_or_unknown_transition(orgs, actors, token_client, actor, transition, status):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["ggz"], actors["coordinator"])
    response = token_client(actors[actor]).post(
        f"/api/v1/cases/{case.uuid}/transitions/", {"transition": transition}, format="json"
    )
    assert response.status_code == status
    case.refresh_from_db()
    assert case.state == "melding"


def test_team_lead_transitions_are_forbidden_to_coordinators(orgs, actors, token_client):
    case = satisfied_case(orgs, actors, "multiproblem")
    Case.objects.filter(pk=case.pk).update(state="uitvoering")
    response = token_client(actors["coordinator"]).post(
        f"/api/v1/cases/{case.uuid}/transitions/",
        {"transition": "opschalen", "reason": "Te zwaar"},
        format="json",
    )
    assert response.status_code == 403
    ok = token_client(actors["teamlead"]).post(
        f"/api/v1/cases/{case.uuid}/transitions/",
        {"transition": "opschalen", "reason": "Te zwaar"},
        format="json",
    )
    assert ok.status_code == 200
    case.refresh_from_db()
    assert case.escalated_to_zvh_at is not None


def test_reason_and_inputs_are_checked(orgs, actors, token_client):
    case = satisfied_case(orgs, actors, "woonoverlast")
    Case.objects.filter(pk=case.pk).update(state="nazorg")
    client = token_client(actors["coordinator"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    no_reason = client.post(
        path, {"transition": "sluiten", "closing_reason": "verhuisd"}, format="json"
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    bad_choice = client.post(
        path, {"transition": "sluiten", "reason": "x", "closing_reason": "opgelost"}, format="json"
    )
    assert bad_choice.status_code == 400 and "closing_reason" in bad_choice.json()["errors"]
    Case.objects.filter(pk=case.pk).update(state="monitoring")
    too_long_ban = client.post(
        path,
        {
            "transition": "handhaven",
            "reason": "x",
            "violation": "v",
            "measure": "huisverbod",
            "huisverbod_days": 11,
        },
        format="json",
    )
    assert too_long_ban.status_code == 400
    assert "huisverbod_days" in too_long_ban.json()["errors"]
    junk_bodies: list[object] = [
        [],
        "x",
        {"transition": ["a"]},
        {"transition": "sluiten", "inputs": "x"},
    ]
    for junk in junk_bodies:
        assert client.post(path, junk, format="json").status_code == 400


def test_listed_transitions_show_what_blocks_them(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    Case.objects.filter(pk=case.pk).update(state="quickscan")
    body = token_client(actors["coordinator"]).get(f"/api/v1/cases/{case.uuid}/transitions/").json()
    by_name = {t["name"]: t for t in body["results"]}
    assert set(by_name) == {"onderzoeken", "de_escaleren", "casusoverleg_starten", "sluiten"}
    assert by_name["onderzoeken"]["available"]
    assert not by_name["casusoverleg_starten"]["available"]
    assert "ten minste 2" in by_name["casusoverleg_starten"]["blocked_by"][0]
    sluiten = by_name["sluiten"]
    assert sluiten["reason_required"]
    assert sluiten["inputs"][0]["choices"][0] == "verminderd"
    partner = token_client(actors["ggz"])
    invite(case, orgs["ggz"], actors["coordinator"])
    assert partner.get(f"/api/v1/cases/{case.uuid}/transitions/").json()["results"] == []


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_at_once_exactly_one_wins(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    users = [actors["coordinator"], actors["colleague"]]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def attempt(user) -> None:
        from django.db import connection as thread_connection

        barrier.wait()
        try:
            case_transition(
                user=user, case_id=case.uuid, transition="quickscan_starten", reason="Gestart"
            )
            results.append("ok")
        except Exception as exc:  # the assertion below names what happened
            results.append(type(exc).__name__)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["TransitionConflict", "ok"]
    assert CaseHistory.objects.filter(case=case, kind="transition").count() == 1


def test_api_answers_409_on_a_stale_expected_state(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    client = token_client(actors["coordinator"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    assert (
        client.post(
            path, {"transition": "quickscan_starten", "expected_state": "melding"}, format="json"
        ).status_code
        == 200
    )
    stale = client.post(
        path, {"transition": "quickscan_starten", "expected_state": "melding"}, format="json"
    )
    assert stale.status_code == 409
    assert "Quickscan" in stale.json()["detail"]


def test_state_clocks_start_on_entry_and_stop_on_leaving(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    today = timezone.localdate()
    melding = CaseDeadline.objects.get(case=case, key="acknowledge_melding")
    assert melding.due_on == add_working_days(today, days=5)
    client = token_client(actors["coordinator"])
    client.post(
        f"/api/v1/cases/{case.uuid}/transitions/",
        {"transition": "quickscan_starten"},
        format="json",
    )
    melding.refresh_from_db()
    assert melding.cancelled_at is not None
    quickscan = CaseDeadline.objects.get(case=case, key="quickscan_done")
    assert quickscan.due_on == add_working_days(today, days=10)
    # Overdue shows in the list and can be filtered on.
    CaseDeadline.objects.filter(pk=quickscan.pk).update(due_on=today - timedelta(days=1))
    row = next(
        r for r in client.get("/api/v1/cases/").json()["results"] if r["id"] == str(case.uuid)
    )
    assert row["overdue"] is True
    assert [r["id"] for r in client.get("/api/v1/cases/?overdue=true").json()["results"]] == [
        str(case.uuid)
    ]


def test_legal_clocks_run_on_after_the_state_is_left(orgs, actors, token_client):
    case = satisfied_case(orgs, actors, "woonoverlast")
    Case.objects.filter(pk=case.pk).update(state="voornemen_gedragsaanwijzing")
    client = token_client(actors["coordinator"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    assert (
        client.post(
            path, {"transition": "gedragsaanwijzing_opleggen", "reason": "Besluit"}, format="json"
        ).status_code
        == 200
    )
    assert client.post(path, {"transition": "monitoren"}, format="json").status_code == 200
    bezwaar = CaseDeadline.objects.get(case=case, key="bezwaartermijn")
    assert bezwaar.cancelled_at is None  # the objection period does not stop for us
    assert CaseDeadline.objects.get(case=case, key="monitoring_review").cancelled_at is None


def test_gedragsaanwijzing_waits_for_the_zienswijze(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    Case.objects.filter(pk=case.pk).update(state="waarschuwing", signal_count=2)
    client = token_client(actors["coordinator"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    assert (
        client.post(
            path, {"transition": "voornemen_aankondigen", "reason": "Voornemen"}, format="json"
        ).status_code
        == 200
    )
    early = client.post(
        path, {"transition": "gedragsaanwijzing_opleggen", "reason": "x"}, format="json"
    )
    assert early.status_code == 400
    assert "zienswijze" in early.json()["errors"]["transition"][0]
    assert (
        client.post(
            path,
            {"transition": "zienswijze_vastleggen", "zienswijze": "Betrokkene belooft beterschap"},
            format="json",
        ).status_code
        == 200
    )
    assert (
        client.post(
            path, {"transition": "gedragsaanwijzing_opleggen", "reason": "Besluit"}, format="json"
        ).status_code
        == 200
    )


def test_riec_inbreng_needs_four_eyes_and_stays_sealed(orgs, actors, token_client):
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.RIEC,
        with_content=False,
    )
    coordinator, teamlead = token_client(actors["coordinator"]), token_client(actors["teamlead"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    assert coordinator.post(path, {"transition": "wegen"}, format="json").status_code == 200
    content = "Pand Industrieweg 4: stroomverbruik 4x normaal; eigenaar onbekend."
    assert (
        coordinator.post(
            path, {"transition": "inbreng_voorbereiden", "inbreng": content}, format="json"
        ).status_code
        == 200
    )
    # The coordinator who prepared it cannot approve it (nor may coordinators approve at all).
    assert (
        coordinator.post(
            path, {"transition": "inbrengen", "reason": "x"}, format="json"
        ).status_code
        == 403
    )
    assert (
        teamlead.post(
            path, {"transition": "inbrengen", "reason": "Akkoord"}, format="json"
        ).status_code
        == 200
    )
    inbreng = RiecInbreng.objects.get(case=case)
    assert inbreng.sealed_at and inbreng.approved_by == actors["teamlead"]
    assert inbreng.content == content and inbreng_verify(inbreng=inbreng)
    # No interface changes it, and the database refuses whoever tries.
    inbreng.content_sha256 = "0" * 64
    with pytest.raises(DatabaseError), transaction.atomic():
        inbreng.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        RiecInbreng.objects.filter(pk=inbreng.pk).delete()


def test_a_team_lead_who_prepared_the_inbreng_cannot_approve_it(orgs, actors, token_client):
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.RIEC,
        with_content=False,
    )
    teamlead = token_client(actors["teamlead"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    teamlead.post(path, {"transition": "wegen"}, format="json")
    teamlead.post(path, {"transition": "inbreng_voorbereiden", "inbreng": "x"}, format="json")
    response = teamlead.post(path, {"transition": "inbrengen", "reason": "zelf"}, format="json")
    assert response.status_code == 400
    assert "tweede persoon" in response.json()["errors"]["transition"][0]


def test_history_is_append_only_and_tells_who_did_what(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["ggz"], actors["coordinator"])
    client = token_client(actors["coordinator"])
    client.post(
        f"/api/v1/cases/{case.uuid}/transitions/",
        {"transition": "quickscan_starten", "reason": "Drie meldingen"},
        format="json",
    )
    rows = client.get(f"/api/v1/cases/{case.uuid}/history/").json()["results"]
    transition = next(r for r in rows if r["kind"] == "transition")
    assert (transition["from_state"], transition["to_state"], transition["reason"]) == (
        "melding",
        "quickscan",
        "Drie meldingen",
    )
    assert transition["actor"] == {"username": "coordinator", "role": "coordinator"}
    partner_rows = token_client(actors["ggz"]).get(f"/api/v1/cases/{case.uuid}/history/").json()
    assert all("reason" not in r for r in partner_rows["results"])
    entry = CaseHistory.objects.filter(case=case).first()
    assert entry is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseHistory.objects.filter(pk=entry.pk).update(name="tampered")


def test_youth_group_case_spawns_an_individual_case(orgs, actors):
    group = make_case(
        owner=orgs["gemeente"], coordinator=actors["coordinator"], case_type=CaseType.JEUGDOVERLAST
    )
    youth = group.case_persons.get(role="subject").person
    individual = case_spawn_linked(
        source=group, case_type=CaseType.MULTIPROBLEM, actor=actors["coordinator"], persons=[youth]
    )
    assert individual.spawned_from == group
    assert individual.state == "aanmelding"
    assert individual.case_persons.get().person == youth
    riec = case_spawn_linked(source=group, case_type=CaseType.RIEC, actor=actors["coordinator"])
    assert riec.confidentiality == Confidentiality.HIGHEST and riec.state == "signaal"


def test_a_municipality_sets_its_own_default_clock_but_not_the_laws(orgs, actors):
    from django.core.exceptions import ValidationError

    from workflows.models import ClockSetting

    municipality = orgs["gemeente"].municipality
    ClockSetting.objects.create(municipality=municipality, key="acknowledge_melding", amount=3)
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    deadline = CaseDeadline.objects.get(case=case, key="acknowledge_melding")
    assert deadline.due_on == add_working_days(timezone.localdate(), days=3)
    other = make_case(
        owner=orgs["buurgemeente"], coordinator=actors["buurcoordinator"], with_content=False
    )
    assert CaseDeadline.objects.get(case=other, key="acknowledge_melding").due_on == (
        add_working_days(timezone.localdate(), days=5)
    )
    with pytest.raises(ValidationError, match="geen geldige keuze"):
        ClockSetting(municipality=municipality, key="bezwaartermijn", amount=2).full_clean()
    from workflows.models import validate_configurable_clock

    with pytest.raises(ValidationError, match="ligt vast in de wet"):
        validate_configurable_clock("bezwaartermijn")


def test_linked_cases_through_the_api(orgs, actors, token_client):
    group = make_case(
        owner=orgs["gemeente"], coordinator=actors["coordinator"], case_type=CaseType.JEUGDOVERLAST
    )
    invite(group, orgs["ggz"], actors["coordinator"])
    youth = group.case_persons.get(role="subject").person
    path = f"/api/v1/cases/{group.uuid}/linked-cases/"
    client = token_client(actors["coordinator"])
    made = client.post(
        path, {"case_type": "multiproblem", "persons": [str(youth.uuid)]}, format="json"
    )
    assert made.status_code == 201 and made.json()["state"] == "aanmelding"
    assert client.post(path, {"case_type": "woonoverlast"}, format="json").status_code == 400
    assert (
        client.post(
            path,
            {"case_type": "riec", "persons": ["00000000-0000-0000-0000-000000000000"]},
            format="json",
        ).status_code
        == 400
    )
    assert (
        token_client(actors["ggz"]).post(path, {"case_type": "riec"}, format="json").status_code
        == 403
    )


def test_closing_ends_every_clock_and_legal_periods_are_never_overdue(orgs, actors, token_client):
    case = satisfied_case(orgs, actors, "woonoverlast")
    Case.objects.filter(pk=case.pk).update(state="voornemen_gedragsaanwijzing")
    client = token_client(actors["coordinator"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    client.post(
        path, {"transition": "gedragsaanwijzing_opleggen", "reason": "Besluit"}, format="json"
    )
    CaseDeadline.objects.filter(case=case, key="bezwaartermijn").update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    CaseDeadline.objects.filter(case=case).exclude(key="bezwaartermijn").update(
        cancelled_at=timezone.now()
    )
    listed = {r["id"]: r for r in client.get("/api/v1/cases/").json()["results"]}
    assert listed[str(case.uuid)]["overdue"] is False  # an ended legal period is not late work
    for step in ("monitoren", "nazorg_starten"):
        client.post(path, {"transition": step}, format="json")
    client.post(
        path,
        {"transition": "sluiten", "reason": "Opgelost", "closing_reason": "verminderd"},
        format="json",
    )
    assert not CaseDeadline.objects.filter(case=case, met_at=None, cancelled_at=None).exists()


def test_a_reopened_riec_case_can_be_brought_in_again(orgs, actors, token_client):
    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.RIEC,
        with_content=False,
    )
    coordinator, teamlead = token_client(actors["coordinator"]), token_client(actors["teamlead"])
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    steps = [
        (coordinator, {"transition": "wegen"}),
        (coordinator, {"transition": "inbreng_voorbereiden", "inbreng": "Eerste inbreng"}),
        (teamlead, {"transition": "inbrengen", "reason": "Akkoord"}),
        (coordinator, {"transition": "riec_weegt"}),
        (
            coordinator,
            {
                "transition": "sluiten",
                "reason": "Geen RIEC-casus",
                "closing_reason": "geen_riec_casus",
            },
        ),
        (coordinator, {"transition": "heropenen", "reason": "Nieuwe signalen"}),
        (coordinator, {"transition": "inbreng_voorbereiden", "inbreng": "Tweede inbreng"}),
        (teamlead, {"transition": "inbrengen", "reason": "Akkoord"}),
    ]
    for client, body in steps:
        response = client.post(path, body, format="json")
        assert response.status_code == 200, (body, response.json())
    sealed = list(RiecInbreng.objects.filter(case=case).order_by("id"))
    assert [i.content for i in sealed] == ["Eerste inbreng", "Tweede inbreng"]
    assert all(i.sealed_at and inbreng_verify(inbreng=i) for i in sealed)


def test_afschalen_ends_the_zvh_escalation(orgs, actors, token_client):
    case = satisfied_case(orgs, actors, "multiproblem")
    Case.objects.filter(pk=case.pk).update(state="uitvoering")
    path = f"/api/v1/cases/{case.uuid}/transitions/"
    token_client(actors["teamlead"]).post(
        path, {"transition": "opschalen", "reason": "Zwaar"}, format="json"
    )
    case.refresh_from_db()
    assert case.escalated_to_zvh_at is not None
    token_client(actors["coordinator"]).post(
        path, {"transition": "afschalen", "reason": "Stabiel"}, format="json"
    )
    case.refresh_from_db()
    assert case.escalated_to_zvh_at is None


def test_the_wvggz_investigation_clock_runs_14_days_and_is_legal(orgs, actors, token_client):
    from workflows.clocks import CLOCKS, due

    case = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.MULTIPROBLEM,
        with_content=False,
    )
    invite(case, orgs["ggz"], actors["coordinator"])
    path = f"/api/v1/cases/{case.uuid}/clocks/"
    response = token_client(actors["coordinator"]).post(
        path,
        {"clock": "wvggz_verkennend_onderzoek", "reason": "Melding verward gedrag"},
        format="json",
    )
    assert response.status_code == 201
    expected = due(CLOCKS["wvggz_verkennend_onderzoek"], start=timezone.localdate())
    assert response.json()["due_on"] == expected.isoformat()
    again = token_client(actors["coordinator"]).post(
        path, {"clock": "wvggz_verkennend_onderzoek"}, format="json"
    )
    assert again.status_code == 400
    assert (
        token_client(actors["coordinator"])
        .post(path, {"clock": "bezwaartermijn"}, format="json")
        .status_code
        == 400
    )
    assert (
        token_client(actors["ggz"])
        .post(path, {"clock": "wvggz_verkennend_onderzoek"}, format="json")
        .status_code
        == 403
    )


def test_woonoverlast_keeps_a_parallel_care_track(orgs, actors, token_client):
    case = make_case(owner=orgs["gemeente"], coordinator=actors["coordinator"], with_content=False)
    invite(case, orgs["ggz"], actors["coordinator"])
    path = f"/api/v1/cases/{case.uuid}/care-track/"
    client = token_client(actors["coordinator"])
    assert client.post(
        path, {"active": True, "reason": "Zorgen om gezondheid"}, format="json"
    ).json() == {"care_track": True}
    detail = client.get(f"/api/v1/cases/{case.uuid}/").json()
    assert detail["care_track"] is True
    assert (
        token_client(actors["ggz"]).post(path, {"active": False}, format="json").status_code == 403
    )
    assert client.post(path, {"active": "misschien"}, format="json").status_code == 400
    names = [r["name"] for r in client.get(f"/api/v1/cases/{case.uuid}/history/").json()["results"]]
    assert "care_track_started" in names
    youth = make_case(
        owner=orgs["gemeente"],
        coordinator=actors["coordinator"],
        case_type=CaseType.JEUGDOVERLAST,
        with_content=False,
    )
    assert (
        client.post(
            f"/api/v1/cases/{youth.uuid}/care-track/", {"active": True}, format="json"
        ).status_code
        == 400
    )
