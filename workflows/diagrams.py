"""The workflows drawn as documentation: Mermaid state diagrams and docs/workflows.md.

Everything here is derived from the machines in ``workflows.machines`` and the clocks in
``workflows.clocks``; ``manage.py workflow_diagrams`` writes the result to docs/workflows.md
and its ``--check`` fails when the committed file no longer matches the machines. The output
is deterministic: states, transitions and sources appear in the order the machine lists them.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from collections.abc import Iterable

from .clocks import ClockUnit, clock_get
from .guards import Guard
from .machines import Input, Machine, State, Transition

__all__ = ["COMMAND", "SOURCE", "machine_mermaid", "workflows_markdown"]

COMMAND = "python manage.py workflow_diagrams"
SOURCE = "workflows/machines.py"

# Words Mermaid's state-diagram grammar reads as keywords; a state id must not be one.
_MERMAID_KEYWORDS = frozenset(
    {"state", "note", "end", "direction", "class", "classDef", "style", "scale", "hide"}
)
_NOT_ID_CHAR = re.compile(r"[^A-Za-z0-9_]")

_UNIT_WORDS: dict[str, tuple[str, str]] = {
    ClockUnit.WORKING_DAYS: ("working day", "working days"),
    ClockUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
    ClockUnit.WEEKS: ("week", "weeks"),
    ClockUnit.MONTHS: ("month", "months"),
}

_NONE = "—"


# --- Mermaid -----------------------------------------------------------------------------


def _mermaid_id(name: str) -> str:
    """An ASCII identifier for a state name that Mermaid accepts as a state id."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    ident = _NOT_ID_CHAR.sub("_", ascii_name) or "state"
    if ident[0].isdigit():
        ident = f"s_{ident}"
    if ident in _MERMAID_KEYWORDS:
        ident = f"{ident}_"
    return ident


def _mermaid_ids(machine: Machine) -> dict[str, str]:
    """The Mermaid id of every state; raises ValueError when two states get the same id."""
    ids: dict[str, str] = {}
    for state in machine.states:
        ident = _mermaid_id(state.name)
        clash = next((name for name, other in ids.items() if other == ident), None)
        if clash is not None:
            raise ValueError(
                f"{machine.case_type}: states {clash!r} and {state.name!r} both draw as "
                f"Mermaid id {ident!r}"
            )
        ids[state.name] = ident
    return ids


def _mermaid_text(text: str) -> str:
    """Text safe inside a Mermaid label: no quotes, semicolons or line breaks."""
    return " ".join(text.split()).replace(";", "#59;").replace('"', "#quot;")


def machine_mermaid(machine: Machine) -> str:
    """The machine as a Mermaid ``stateDiagram-v2`` (the diagram source, without a fence).

    Every state is declared with its Dutch label (``state "Melding ontvangen" as melding``),
    the initial state is entered from ``[*]``, every transition gets one line per source
    state (``source --> target : transition_name``, self-transitions included) and every
    final state leads to ``[*]``. Raises ValueError when two state names map to one id.
    """
    ids = _mermaid_ids(machine)
    lines = ["stateDiagram-v2"]
    lines.extend(f'    state "{_mermaid_text(s.label)}" as {ids[s.name]}' for s in machine.states)
    lines.append(f"    [*] --> {ids[machine.initial]}")
    for transition in machine.transitions:
        name = _mermaid_text(transition.name)
        target = ids[transition.target]
        lines.extend(f"    {ids[source]} --> {target} : {name}" for source in transition.source)
    lines.extend(f"    {ids[s.name]} --> [*]" for s in machine.states if s.final)
    return "\n".join(lines) + "\n"


# --- Markdown ----------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(name: str) -> str:
    """``name`` in code font."""
    return f"`{name}`"


def _yes_no(value: bool) -> str:
    """``yes`` or ``no``."""
    return "yes" if value else "no"


def _row(cells: Iterable[str]) -> str:
    """One Markdown table row of ``cells``."""
    return "| " + " | ".join(cells) + " |"


def _table(header: tuple[str, ...], *, rows: Iterable[Iterable[str]]) -> list[str]:
    """The lines of a Markdown table: header, separator, rows."""
    lines = [_row(header), _row("---" for _ in header)]
    lines.extend(_row(row) for row in rows)
    return lines


def _amount(*, amount: int, unit: str) -> str:
    """``5 working days``, ``1 month``: an amount with its unit in words."""
    singular, plural = _UNIT_WORDS.get(unit, (unit.replace("_", " "),) * 2)
    return f"{amount} {singular if amount == 1 else plural}"


def _clock(state: State) -> str:
    """The clock a state starts on entry, with its Dutch label and duration, or a dash."""
    if state.clock is None:
        return _NONE
    clock = clock_get(state.clock)
    duration = _amount(amount=clock.amount, unit=clock.unit)
    return f"{_code(clock.key)} ({_cell(clock.label_nl)}): {duration}"


def _guard(guard: Guard) -> str:
    """A guard by function name, with the first line of its docstring when it has one."""
    name = getattr(guard, "__qualname__", type(guard).__name__)
    doc = inspect.cleandoc(getattr(guard, "__doc__", None) or "")
    first_line = doc.splitlines()[0].strip() if doc else ""
    return f"{_code(name)}: {_cell(first_line)}" if first_line else _code(name)


def _input(item: Input) -> str:
    """An input with its label, kind or choices, limits and whether it is required."""
    if item.choices:
        details = ["choice of " + ", ".join(_code(c) for c in item.choices)]
    else:
        details = [item.kind.value]
    if item.minimum is not None:
        details.append(f"min {item.minimum}")
    if item.maximum is not None:
        details.append(f"max {item.maximum}")
    details.append("required" if item.required else "optional")
    return f"{_code(item.name)} ({_cell(item.label)}): {', '.join(details)}"


def _joined(items: list[str], *, separator: str = "<br>") -> str:
    """``items`` joined into one table cell, or a dash when there are none."""
    return separator.join(items) if items else _NONE


def _states_table(machine: Machine) -> list[str]:
    """The lines of the table of states."""
    header = (
        "State",
        "Label",
        "Clock started on entry",
        "Shares data (grondslag for every partner)",
        "Final",
    )
    rows = (
        (
            _code(s.name),
            _cell(s.label),
            _clock(s),
            _yes_no(s.shares_data),
            _yes_no(s.final),
        )
        for s in machine.states
    )
    return _table(header, rows=rows)


def _transition_row(transition: Transition) -> tuple[str, ...]:
    """The cells of one row of the table of transitions."""
    sources = ", ".join(_code(s) for s in transition.source)
    return (
        _code(transition.name),
        _cell(transition.label),
        f"{sources} → {_code(transition.target)}",
        _code(transition.permission.codename),
        _joined([_guard(g) for g in transition.guards]),
        _joined([_input(i) for i in transition.inputs]),
        _yes_no(transition.reason_required),
        _joined([_code(e.value) for e in transition.effects], separator=", "),
    )


def _transitions_table(machine: Machine) -> list[str]:
    """The lines of the table of transitions."""
    header = (
        "Transition",
        "Label",
        "From → to",
        "Permission",
        "Guards",
        "Inputs",
        "Reason required",
        "Effects",
    )
    return _table(header, rows=(_transition_row(t) for t in machine.transitions))


def _machine_section(machine: Machine) -> list[str]:
    """The lines of the section about one case type."""
    initial = machine.state(machine.initial)
    lines = [
        f"## {_cell(machine.label)} ({_code(machine.case_type)})",
        "",
        f"Initial state: {_code(initial.name)} ({_cell(initial.label)}).",
        "",
        "```mermaid",
        machine_mermaid(machine).rstrip("\n"),
        "```",
        "",
        "### States",
        "",
        *_states_table(machine),
        "",
        "### Transitions",
        "",
        *_transitions_table(machine),
        "",
        "### Closing reasons",
        "",
    ]
    if machine.closing_reasons:
        lines.extend(f"- {_code(reason)}" for reason in machine.closing_reasons)
    else:
        lines.append("None.")
    return lines


def workflows_markdown(machines: Iterable[Machine]) -> str:
    """The whole of docs/workflows.md for ``machines``, in the order given.

    A header that names the generating command, an overview, and per case type its state
    diagram, its states (clock, data sharing, final), its transitions (permission, guards,
    inputs, reason, effects) and its closing reasons. Dutch labels are kept as they are.
    """
    machines = list(machines)
    lines = [
        "# Case workflows",
        "",
        f"> This file is generated by `{COMMAND}` from `{SOURCE}`.",
        "> It must not be edited by hand: change the machines and run the command again.",
        f"> `{COMMAND} --check` (run by the test suite) fails when it is out of date.",
        "",
        "Each case type is a state machine. A transition moves a case from one of its source",
        "states to its target state when the performer has the permission and every guard",
        "passes. Entering a state may start a clock (amounts from `workflows/clocks.py`); a",
        "state that shares data needs a recorded legal basis (grondslag) for every partner.",
        "",
        "| Case type | Label | States | Transitions |",
        "| --- | --- | --- | --- |",
    ]
    lines.extend(
        _row(
            (
                _code(m.case_type),
                _cell(m.label),
                str(len(m.states)),
                str(len(m.transitions)),
            )
        )
        for m in machines
    )
    for machine in machines:
        lines.append("")
        lines.extend(_machine_section(machine))
    return "\n".join(lines) + "\n"
