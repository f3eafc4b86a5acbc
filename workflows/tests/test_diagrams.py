"""The generated workflow documentation: Mermaid diagrams, docs/workflows.md and its command."""

from __future__ import annotations

import inspect
import re
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from permissions.constants import Perm
from workflows import guards as g
from workflows.clocks import CLOCKS, Clock, ClockUnit
from workflows.diagrams import machine_mermaid, workflows_markdown
from workflows.machines import MACHINES, Effect, Input, InputKind, Machine, State, Transition

DOCUMENT = Path("docs") / "workflows.md"
OUT_OF_DATE = "docs/workflows.md is out of date; run python manage.py workflow_diagrams"

ALL_MACHINES = pytest.mark.parametrize("machine", list(MACHINES.values()), ids=list(MACHINES))

DECLARATION = re.compile(r'^    state "(?P<label>[^"]*)" as (?P<id>\S+)$')
ARROW = re.compile(r"^    (?P<source>\S+) --> (?P<target>\S+)(?: : (?P<name>\S+))?$")
ASCII_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

TINY = Machine(
    case_type="tiny",
    label="Klein | proces",
    initial="open",
    closing_reasons=("klaar", "verhuisd"),
    states=(
        State("open", 'Open "nieuw"; eerste', clock="acknowledge_melding"),
        State("bezig", "Bezig", shares_data=True),
        State("dicht", "Dicht", final=True),
    ),
    transitions=(
        Transition("beginnen", "Beginnen", ("open",), "bezig", guards=(g.plan_complete,)),
        Transition(
            "noteren",
            "Noteren",
            ("bezig",),
            "bezig",
            inputs=(Input("dagen", "Aantal dagen", InputKind.INTEGER, required=False, maximum=10),),
        ),
        Transition(
            "sluiten",
            "Sluiten",
            ("open", "bezig"),
            "dicht",
            permission=Perm.APPROVE_ESCALATIONS,
            inputs=(Input("reden", "Reden", InputKind.CHOICE, choices=("klaar", "verhuisd")),),
            reason_required=True,
            effects=(Effect.CLOSE,),
        ),
    ),
)


def _parse(diagram: str) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    """The declared states (id to label) and the arrows of a diagram, failing on other lines."""
    lines = diagram.splitlines()
    assert lines[0] == "stateDiagram-v2"
    declared: dict[str, str] = {}
    arrows: list[tuple[str, str, str | None]] = []
    for line in lines[1:]:
        if match := DECLARATION.match(line):
            declared[match["id"]] = match["label"]
        elif match := ARROW.match(line):
            arrows.append((match["source"], match["target"], match["name"]))
        else:
            pytest.fail(f"unexpected diagram line {line!r}")
    return declared, arrows


def _escaped(label: str) -> str:
    """A label as the diagram writes it."""
    return label.replace(";", "#59;").replace('"', "#quot;")


def _section(markdown: str, *, machine: Machine) -> str:
    """The part of the document about ``machine`` (from its heading to the next one)."""
    sections = [
        part for part in markdown.split("\n## ")[1:] if f"(`{machine.case_type}`)\n" in part
    ]
    assert len(sections) == 1, f"expected one section for {machine.case_type}"
    return "## " + sections[0]


def _row(section: str, *, first_cells: str) -> str:
    """The one table row of ``section`` that starts with ``first_cells``."""
    rows = [line for line in section.splitlines() if line.startswith(first_cells)]
    assert len(rows) == 1, f"expected one row starting {first_cells!r}, found {rows}"
    return rows[0]


def _first_doc_line(guard: g.Guard) -> str:
    """The first line of a guard's docstring, or nothing."""
    doc = inspect.getdoc(guard) or ""
    return doc.splitlines()[0] if doc else ""


# --- the diagrams --------------------------------------------------------------------------


@ALL_MACHINES
def test_diagram_has_the_structure_of_the_machine(machine: Machine) -> None:
    """Every state declared; initial, one arrow per source of each transition, finals."""
    declared, arrows = _parse(machine_mermaid(machine))

    assert declared == {s.name: _escaped(s.label) for s in machine.states}
    assert all(ASCII_IDENTIFIER.match(ident) for ident in declared)
    finals = [s.name for s in machine.states if s.final]
    assert len(arrows) == sum(len(t.source) for t in machine.transitions) + 1 + len(finals)
    assert arrows[0] == ("[*]", machine.initial, None)
    assert arrows[1 : len(arrows) - len(finals)] == [
        (source, t.target, t.name) for t in machine.transitions for source in t.source
    ]
    assert arrows[len(arrows) - len(finals) :] == [(name, "[*]", None) for name in finals]


def test_diagram_of_a_small_machine() -> None:
    """The exact diagram: escaped labels, a self-transition, two sources, a final state."""
    assert machine_mermaid(TINY) == (
        "stateDiagram-v2\n"
        '    state "Open #quot;nieuw#quot;#59; eerste" as open\n'
        '    state "Bezig" as bezig\n'
        '    state "Dicht" as dicht\n'
        "    [*] --> open\n"
        "    open --> bezig : beginnen\n"
        "    bezig --> bezig : noteren\n"
        "    open --> dicht : sluiten\n"
        "    bezig --> dicht : sluiten\n"
        "    dicht --> [*]\n"
    )


def test_state_ids_are_ascii_identifiers_mermaid_accepts() -> None:
    """Accents dropped, a leading digit prefixed, a Mermaid keyword suffixed."""
    machine = Machine(
        case_type="odd",
        label="Odd",
        initial="café",
        states=(State("café", "Café"), State("2e_ronde", "Tweede ronde"), State("note", "Notitie")),
        transitions=(
            Transition("a", "A", ("café",), "2e_ronde"),
            Transition("b", "B", ("2e_ronde",), "note"),
        ),
    )
    declared, arrows = _parse(machine_mermaid(machine))

    assert declared == {"cafe": "Café", "s_2e_ronde": "Tweede ronde", "note_": "Notitie"}
    assert arrows == [
        ("[*]", "cafe", None),
        ("cafe", "s_2e_ronde", "a"),
        ("s_2e_ronde", "note_", "b"),
    ]


def test_states_that_draw_as_one_id_are_refused() -> None:
    """Two states whose ids would coincide are an error, not one merged state."""
    machine = Machine(
        case_type="clash",
        label="Clash",
        initial="a-b",
        states=(State("a-b", "Een"), State("a_b", "Twee")),
        transitions=(),
    )
    with pytest.raises(ValueError, match="'a-b' and 'a_b'"):
        machine_mermaid(machine)


# --- the document --------------------------------------------------------------------------


def test_document_says_it_is_generated() -> None:
    """The header names the command and the source and forbids editing by hand."""
    header = workflows_markdown(MACHINES.values()).split("\n## ", 1)[0]

    assert "generated by `python manage.py workflow_diagrams`" in header
    assert "`workflows/machines.py`" in header
    assert "must not be edited by hand" in header


def test_document_is_deterministic() -> None:
    """The same machines give the same document."""
    assert workflows_markdown(MACHINES.values()) == workflows_markdown(MACHINES.values())


@ALL_MACHINES
def test_document_shows_every_state_transition_and_closing_reason(machine: Machine) -> None:
    """Each machine's section has its diagram and a row per state and per transition."""
    section = _section(workflows_markdown(MACHINES.values()), machine=machine)

    assert f"```mermaid\n{machine_mermaid(machine)}```" in section
    for state in machine.states:
        row = _row(section, first_cells=f"| `{state.name}` | {state.label} |")
        if state.clock:
            clock = CLOCKS[state.clock]
            assert f"`{clock.key}` ({clock.label_nl}): {clock.amount} " in row
        assert row.endswith(
            f"| {'yes' if state.shares_data else 'no'} | {'yes' if state.final else 'no'} |"
        )
    for transition in machine.transitions:
        row = _row(section, first_cells=f"| `{transition.name}` | {transition.label} |")
        sources = ", ".join(f"`{s}`" for s in transition.source)
        assert f"| {sources} → `{transition.target}` |" in row
        assert f"| `{transition.permission.codename}` |" in row
        for guard in transition.guards:
            assert f"`{guard.__name__}`" in row
            assert _first_doc_line(guard) in row
        for item in transition.inputs:
            assert f"`{item.name}` ({item.label}): " in row
            assert all(f"`{choice}`" in row for choice in item.choices)
        assert f"| {'yes' if transition.reason_required else 'no'} |" in row
        assert all(f"`{effect.value}`" in row for effect in transition.effects)
    closing = section.split("### Closing reasons", 1)[1]
    assert [line for line in closing.splitlines() if line.startswith("- ")] == [
        f"- `{reason}`" for reason in machine.closing_reasons
    ]


def test_document_tables_of_a_small_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    """The exact rows, with Markdown-escaped labels."""
    monkeypatch.setitem(
        CLOCKS, "acknowledge_melding", Clock("acknowledge_melding", "Eén", 1, ClockUnit.MONTHS)
    )
    section = _section(workflows_markdown([TINY]), machine=TINY)

    assert "## Klein \\| proces (`tiny`)" in section
    assert 'Initial state: `open` (Open "nieuw"; eerste).' in section
    assert (
        '| `open` | Open "nieuw"; eerste | `acknowledge_melding` (Eén): 1 month | no | no |'
        in section
    )
    assert "| `bezig` | Bezig | — | yes | no |" in section
    assert "| `dicht` | Dicht | — | no | yes |" in section
    assert (
        "| `beginnen` | Beginnen | `open` → `bezig` | `coordinate_cases` | `plan_complete`: A plan "
        "van aanpak has actions, each with an owner organisation and a deadline. | — | no | — |"
    ) in section
    assert (
        "| `noteren` | Noteren | `bezig` → `bezig` | `coordinate_cases` | — | `dagen` (Aantal "
        "dagen): integer, max 10, optional | no | — |"
    ) in section
    assert (
        "| `sluiten` | Sluiten | `open`, `bezig` → `dicht` | `approve_escalations` | — | `reden` "
        "(Reden): choice of `klaar`, `verhuisd`, required | yes | `close` |"
    ) in section
    assert section.rstrip().endswith("- `klaar`\n- `verhuisd`")


def test_clock_durations_name_their_unit(monkeypatch: pytest.MonkeyPatch) -> None:
    """A clock's amount is written with its unit, singular for one."""
    for key, amount, unit, expected in [
        ("acknowledge_melding", 5, ClockUnit.WORKING_DAYS, "5 working days"),
        ("acknowledge_melding", 1, ClockUnit.WORKING_DAYS, "1 working day"),
        ("acknowledge_melding", 10, ClockUnit.CALENDAR_DAYS, "10 calendar days"),
        ("acknowledge_melding", 2, ClockUnit.WEEKS, "2 weeks"),
        ("acknowledge_melding", 3, ClockUnit.MONTHS, "3 months"),
    ]:
        monkeypatch.setitem(CLOCKS, key, Clock(key, "Klok", amount, unit))
        row = _row(_section(workflows_markdown([TINY]), machine=TINY), first_cells="| `open` |")
        assert f"(Klok): {expected} |" in row


# --- the command ---------------------------------------------------------------------------


def test_committed_document_is_up_to_date() -> None:
    """Fails when docs/workflows.md no longer matches the machines: run the command."""
    out = StringIO()
    call_command("workflow_diagrams", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_command_writes_the_document(tmp_path: Path) -> None:
    """The command writes docs/workflows.md under BASE_DIR; --check then passes."""
    with override_settings(BASE_DIR=tmp_path):
        call_command("workflow_diagrams", stdout=StringIO())
        written = (tmp_path / DOCUMENT).read_text(encoding="utf-8")
        call_command("workflow_diagrams", "--check", stdout=StringIO())

    assert written == workflows_markdown(MACHINES.values())


def test_check_fails_on_a_modified_copy_and_writes_nothing(tmp_path: Path) -> None:
    """A hand-edited document fails --check, which leaves the file as it was."""
    committed = (Path(settings.BASE_DIR) / DOCUMENT).read_text(encoding="utf-8")
    modified = committed.replace("| no |", "| yes |", 1)
    assert modified != committed
    (tmp_path / "docs").mkdir()
    (tmp_path / DOCUMENT).write_text(modified, encoding="utf-8")

    with override_settings(BASE_DIR=tmp_path), pytest.raises(CommandError) as raised:
        call_command("workflow_diagrams", "--check", stdout=StringIO())

    assert str(raised.value) == OUT_OF_DATE
    assert (tmp_path / DOCUMENT).read_text(encoding="utf-8") == modified


def test_check_fails_when_the_document_is_missing(tmp_path: Path) -> None:
    """A missing document fails --check, which does not create it."""
    with override_settings(BASE_DIR=tmp_path), pytest.raises(CommandError, match="out of date"):
        call_command("workflow_diagrams", "--check", stdout=StringIO())

    assert not (tmp_path / "docs").exists()
