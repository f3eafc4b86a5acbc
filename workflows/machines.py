"""The four case workflows, as data that reads like the domain brief's tables (section 3).

Every state has its Dutch label and the clock it starts; every transition names its sources,
its target, the permission it needs (roles map to permissions as data), its guards, the
inputs it asks for and its effects. ``workflows.fsm`` turns these into django-fsm transitions
on the case model; ``manage.py workflow_diagrams`` draws them into docs/workflows.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from permissions.constants import Perm

from . import guards as g
from .guards import Guard


class InputKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    INTEGER = "integer"
    DATE = "date"


@dataclass(frozen=True)
class Input:
    """Something a transition asks the person performing it."""

    name: str
    label: str
    kind: InputKind = InputKind.TEXT
    required: bool = True
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


class Effect(StrEnum):
    """What a transition does besides changing the state (carried out by casework)."""

    CLOSE = "close"
    REOPEN = "reopen"
    RECORD_ZIENSWIJZE = "record_zienswijze"
    START_HUISVERBOD = "start_huisverbod"
    ESCALATE_TO_ZVH = "escalate_to_zvh"
    DE_ESCALATE = "de_escalate"
    REQUEST_INBRENG = "request_inbreng"
    SEAL_INBRENG = "seal_inbreng"


@dataclass(frozen=True)
class State:
    name: str
    label: str
    clock: str | None = None  # started on entry, from workflows.clocks.CLOCKS
    shares_data: bool = False  # entering it needs a grondslag for every partner
    final: bool = False


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: tuple[str, ...]
    target: str
    permission: Perm = Perm.COORDINATE_CASES
    guards: tuple[Guard, ...] = ()
    inputs: tuple[Input, ...] = ()
    reason_required: bool = False
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Machine:
    case_type: str
    label: str
    initial: str
    states: tuple[State, ...]
    transitions: tuple[Transition, ...]
    closing_reasons: tuple[str, ...] = ()
    by_name: dict[str, Transition] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        names = [t.name for t in self.transitions]
        if len(names) != len(set(names)):
            raise ValueError(f"{self.case_type}: duplicate transition names")
        states = {s.name for s in self.states}
        for t in self.transitions:
            unknown = (set(t.source) | {t.target}) - states
            if unknown:
                raise ValueError(f"{self.case_type}.{t.name}: unknown states {sorted(unknown)}")
        self.by_name.update({t.name: t for t in self.transitions})

    def state(self, name: str) -> State:
        return next(s for s in self.states if s.name == name)

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.source]


def _close(reasons: tuple[str, ...], *sources: str, name: str = "sluiten") -> Transition:
    return Transition(
        name,
        "Sluiten",
        sources,
        "gesloten",
        inputs=(Input("closing_reason", "Reden van sluiten", InputKind.CHOICE, choices=reasons),),
        reason_required=True,
        effects=(Effect.CLOSE,),
    )


def _reopen(target: str) -> Transition:
    return Transition(
        "heropenen",
        "Heropenen",
        ("gesloten",),
        target,
        reason_required=True,
        effects=(Effect.REOPEN,),
    )


WOONOVERLAST_REASONS = ("verminderd", "niet_verminderd", "verhuisd", "niet_gegrond", "onduidelijk")

WOONOVERLAST = Machine(
    case_type="woonoverlast",
    label="Woonoverlast",
    initial="melding",
    closing_reasons=WOONOVERLAST_REASONS,
    states=(
        State("melding", "Melding ontvangen", clock="acknowledge_melding"),
        State("quickscan", "Quickscan", clock="quickscan_done"),
        State("onderzoek", "Nader onderzoek"),
        State("de_escalatie", "De-escalatie / buurtbemiddeling"),
        State("casusoverleg", "Casusoverleg", shares_data=True),
        State("waarschuwing", "Waarschuwing burgemeester"),
        State(
            "voornemen_gedragsaanwijzing",
            "Voornemen gedragsaanwijzing",
            clock="zienswijze_deadline",
        ),
        State("gedragsaanwijzing", "Gedragsaanwijzing opgelegd", clock="bezwaartermijn"),
        State("monitoring", "Monitoring naleving", clock="monitoring_review"),
        State("handhaving", "Handhaving (dwangsom / bestuursdwang / huisverbod ≤ 10 dagen)"),
        State("nazorg", "Nazorg", clock="nazorg_check"),
        State("gesloten", "Gesloten", final=True),
    ),
    transitions=(
        Transition("quickscan_starten", "Quickscan starten", ("melding",), "quickscan"),
        Transition("onderzoeken", "Nader onderzoek", ("quickscan",), "onderzoek"),
        Transition(
            "de_escaleren",
            "De-escalatie / buurtbemiddeling",
            ("quickscan", "onderzoek"),
            "de_escalatie",
        ),
        Transition(
            "casusoverleg_starten",
            "Casusoverleg",
            ("quickscan", "onderzoek", "de_escalatie"),
            "casusoverleg",
            guards=(g.two_partners_with_basis, g.legal_basis_for_every_partner),
        ),
        Transition(
            "waarschuwen",
            "Waarschuwing burgemeester",
            ("de_escalatie", "casusoverleg"),
            "waarschuwing",
            guards=(g.repeated_nuisance,),
            reason_required=True,
        ),
        Transition(
            "voornemen_aankondigen",
            "Voornemen gedragsaanwijzing",
            ("waarschuwing",),
            "voornemen_gedragsaanwijzing",
            reason_required=True,
        ),
        Transition(
            "zienswijze_vastleggen",
            "Zienswijze vastleggen",
            ("voornemen_gedragsaanwijzing",),
            "voornemen_gedragsaanwijzing",
            inputs=(Input("zienswijze", "Zienswijze van betrokkene"),),
            effects=(Effect.RECORD_ZIENSWIJZE,),
        ),
        Transition(
            "gedragsaanwijzing_opleggen",
            "Gedragsaanwijzing opleggen",
            ("voornemen_gedragsaanwijzing",),
            "gedragsaanwijzing",
            guards=(g.zienswijze_done,),
            reason_required=True,
        ),
        Transition(
            "monitoren",
            "Monitoring naleving",
            (
                "casusoverleg",
                "waarschuwing",
                "voornemen_gedragsaanwijzing",
                "gedragsaanwijzing",
                "handhaving",
            ),
            "monitoring",
        ),
        Transition(
            "handhaven",
            "Handhaven",
            ("monitoring",),
            "handhaving",
            inputs=(
                Input("violation", "Vastgestelde overtreding"),
                Input(
                    "measure",
                    "Maatregel",
                    InputKind.CHOICE,
                    choices=("dwangsom", "bestuursdwang", "huisverbod"),
                ),
                Input(
                    "huisverbod_days",
                    "Dagen huisverbod (ten hoogste 10)",
                    InputKind.INTEGER,
                    required=False,
                    minimum=1,
                    maximum=10,
                ),
            ),
            reason_required=True,
            effects=(Effect.START_HUISVERBOD,),
        ),
        Transition(
            "nazorg_starten",
            "Nazorg",
            ("de_escalatie", "casusoverleg", "monitoring", "handhaving"),
            "nazorg",
        ),
        _close(WOONOVERLAST_REASONS, "quickscan", "onderzoek", "nazorg"),
        _reopen("onderzoek"),
    ),
)

CLOSING_REASONS = ("verminderd", "niet_verminderd", "verhuisd", "onduidelijk", "afgerond")

JEUGDOVERLAST = Machine(
    case_type="jeugdoverlast",
    label="Jeugdoverlast",
    initial="signalering",
    closing_reasons=CLOSING_REASONS,
    states=(
        State("signalering", "Signalen verzamelen"),
        State("groep_in_beeld", "Groep in beeld"),
        State(
            "informatie_verzamelen",
            "Informatie verzamelen",
            clock="groepsscan_answer",
            shares_data=True,
        ),
        State("integraal_beeld", "Integraal beeld", shares_data=True),
        State("prioritering", "Prioritering (driehoek)"),
        State("plan_van_aanpak", "Plan van aanpak vastgesteld", shares_data=True),
        State("uitvoering", "Uitvoeren en monitoren", clock="execution_review"),
        State("evaluatie", "Afronden en evalueren"),
        State("nazorg", "Nazorg", clock="nazorg_check"),
        State("gesloten", "Gesloten", final=True),
    ),
    transitions=(
        Transition("groep_in_beeld_brengen", "Groep in beeld", ("signalering",), "groep_in_beeld"),
        Transition(
            "groepsscan_aanvragen",
            "Groepsscan aanvragen",
            ("groep_in_beeld",),
            "informatie_verzamelen",
            inputs=(Input("groepsscan_request", "Gemotiveerd verzoek om de groepsscan"),),
            guards=(g.youth_core_partners, g.legal_basis_for_every_partner),
        ),
        Transition(
            "integraal_beeld_vormen",
            "Integraal beeld",
            ("informatie_verzamelen",),
            "integraal_beeld",
            guards=(g.youth_core_partners, g.legal_basis_for_every_partner),
        ),
        Transition("prioriteren", "Prioritering (driehoek)", ("integraal_beeld",), "prioritering"),
        Transition(
            "plan_vaststellen",
            "Plan van aanpak vaststellen",
            ("prioritering",),
            "plan_van_aanpak",
            guards=(g.plan_complete, g.youth_core_partners, g.legal_basis_for_every_partner),
        ),
        Transition("uitvoeren", "Uitvoeren en monitoren", ("plan_van_aanpak",), "uitvoering"),
        Transition("evalueren", "Afronden en evalueren", ("uitvoering",), "evaluatie"),
        Transition("nazorg_starten", "Nazorg", ("evaluatie",), "nazorg"),
        _close(CLOSING_REASONS, "signalering", "groep_in_beeld", "evaluatie", "nazorg"),
        _reopen("groep_in_beeld"),
    ),
)

MULTIPROBLEM_REASONS = (
    "doorgeleid",
    "advies",
    "afgewezen",
    "afgerond",
    "verhuisd",
    "overleden",
    "onduidelijk",
)

MULTIPROBLEM = Machine(
    case_type="multiproblem",
    label="Multiproblematiek",
    initial="aanmelding",
    closing_reasons=MULTIPROBLEM_REASONS,
    states=(
        State("aanmelding", "Aanmelding"),
        State("triage", "Triage", clock="triage_outcome_to_referrer"),
        State(
            "informatie_verrijken",
            "Informatie verrijken",
            clock="partner_answers",
            shares_data=True,
        ),
        State("casusoverleg", "Casusoverleg", shares_data=True),
        State("plan_van_aanpak", "Plan van aanpak vastgesteld", shares_data=True),
        State("uitvoering", "Uitvoering en monitoring", clock="execution_review"),
        State("opgeschaald", "Opgeschaald naar ZVH", shares_data=True),
        State("afschaling", "Afschaling"),
        State("nazorg", "Nazorg", clock="nazorg_check"),
        State("gesloten", "Gesloten", final=True),
    ),
    transitions=(
        Transition(
            "triageren", "Naar triage", ("aanmelding",), "triage", guards=(g.referral_complete,)
        ),
        Transition(
            "accepteren",
            "Accepteren: informatie verrijken",
            ("triage",),
            "informatie_verrijken",
            guards=(g.legal_basis_for_every_partner,),
        ),
        Transition(
            "casusoverleg_plannen",
            "Casusoverleg",
            ("informatie_verrijken",),
            "casusoverleg",
            guards=(g.legal_basis_for_every_partner,),
        ),
        Transition(
            "plan_vaststellen",
            "Plan van aanpak vaststellen",
            ("casusoverleg",),
            "plan_van_aanpak",
            guards=(g.casusregisseur_named, g.plan_complete, g.legal_basis_for_every_partner),
        ),
        Transition("uitvoeren", "Uitvoering en monitoring", ("plan_van_aanpak",), "uitvoering"),
        Transition(
            "opschalen",
            "Opschalen naar het Zorg- en Veiligheidshuis",
            ("uitvoering",),
            "opgeschaald",
            permission=Perm.APPROVE_ESCALATIONS,
            reason_required=True,
            guards=(g.legal_basis_for_every_partner,),
            effects=(Effect.ESCALATE_TO_ZVH,),
        ),
        Transition(
            "afschalen",
            "Afschalen",
            ("uitvoering", "opgeschaald"),
            "afschaling",
            reason_required=True,
            effects=(Effect.DE_ESCALATE,),
        ),
        Transition("nazorg_starten", "Nazorg", ("afschaling",), "nazorg"),
        _close(MULTIPROBLEM_REASONS[:3], "aanmelding", "triage", name="triage_afsluiten"),
        _close(MULTIPROBLEM_REASONS, "nazorg"),
        _reopen("triage"),
    ),
)

RIEC_REASONS = ("lokaal_afgehandeld", "geen_riec_casus", "afgerond")

RIEC = Machine(
    case_type="riec",
    label="RIEC-escalatie (ondermijning)",
    initial="signaal",
    closing_reasons=RIEC_REASONS,
    states=(
        State("signaal", "Signaal ondermijning"),
        State("weging", "Gemeentelijke weging", clock="riec_weging"),
        State("ingebracht", "Ingebracht bij RIEC", shares_data=True),
        State("riec_weging", "RIEC-weging"),
        State("riec_casus", "RIEC-casus (analyse bij RIEC)"),
        State("interventie", "Gemeentelijke interventie", clock="bezwaartermijn"),
        State("evaluatie", "Evaluatie"),
        State("gesloten", "Gesloten", final=True),
    ),
    transitions=(
        Transition("wegen", "Gemeentelijke weging", ("signaal",), "weging"),
        Transition(
            "inbreng_voorbereiden",
            "Inbreng voorbereiden",
            ("weging",),
            "weging",
            inputs=(Input("inbreng", "Wat wordt ingebracht bij het RIEC"),),
            effects=(Effect.REQUEST_INBRENG,),
        ),
        Transition(
            "inbrengen",
            "Inbrengen bij het RIEC (vier ogen)",
            ("weging",),
            "ingebracht",
            permission=Perm.APPROVE_ESCALATIONS,
            reason_required=True,
            guards=(g.inbreng_prepared, g.second_person),
            effects=(Effect.SEAL_INBRENG,),
        ),
        Transition("riec_weegt", "RIEC-weging", ("ingebracht",), "riec_weging"),
        Transition("riec_casus_geworden", "RIEC-casus", ("riec_weging",), "riec_casus"),
        Transition(
            "intervenieren",
            "Gemeentelijke interventie",
            ("riec_casus",),
            "interventie",
            reason_required=True,
        ),
        Transition("evalueren", "Evaluatie", ("interventie",), "evaluatie"),
        _close(RIEC_REASONS, "weging", "riec_weging", "evaluatie"),
        _reopen("weging"),
    ),
)

MACHINES: dict[str, Machine] = {
    m.case_type: m for m in (WOONOVERLAST, JEUGDOVERLAST, MULTIPROBLEM, RIEC)
}


def machine_for(case_type: str) -> Machine:
    """The machine of a case type; raises KeyError for an unknown type."""
    return MACHINES[case_type]
