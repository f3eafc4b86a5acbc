"""django-fsm transitions generated from the machines of ``workflows.machines``.

``workflow_mixin()`` returns a class with one django-fsm transition method per case type and
transition, named ``<case_type>__<transition>``. Each is guarded by the case type and by the
transition's guards, evaluated on the ``CaseFacts`` the transition service attaches to the
instance; without facts a guarded transition is never allowed (fail closed). The method
itself only moves the state: effects, history and clocks belong to the transition service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_fsm import transition

from .guards import CaseFacts
from .machines import MACHINES, Machine, Transition

FACTS_ATTRIBUTE = "_workflow_facts"


def method_name(*, case_type: str, transition_name: str) -> str:
    return f"{case_type}__{transition_name}"


def facts_of(instance: Any) -> CaseFacts | None:
    return getattr(instance, FACTS_ATTRIBUTE, None)


def guard_messages(spec: Transition, facts: CaseFacts) -> list[str]:
    """Every failing guard's message, in the order the machine lists them."""
    return [message for guard in spec.guards if (message := guard(facts)) is not None]


def _make_method(machine: Machine, spec: Transition, field_name: str) -> Callable[..., None]:
    case_type = machine.case_type

    def is_this_type(instance: Any) -> bool:
        return bool(instance.case_type == case_type)

    def guards_pass(instance: Any) -> bool:
        if not spec.guards:
            return True
        facts = facts_of(instance)
        return facts is not None and not guard_messages(spec, facts)

    def change_state(self: Any) -> None:
        """Moves the state only; see the transition service for everything else."""

    change_state.__name__ = method_name(case_type=case_type, transition_name=spec.name)
    decorated: Callable[..., None] = transition(
        field=field_name,
        source=list(spec.source),
        target=spec.target,
        conditions=[is_this_type, guards_pass],
        permission=spec.permission.value,
        custom={"case_type": case_type, "name": spec.name, "label": spec.label},
    )(change_state)
    return decorated


def workflow_mixin(*, field_name: str = "state") -> type:
    """A mixin with the transition methods of every machine, for the case model."""
    attributes: dict[str, Any] = {"__doc__": "Generated from workflows.machines."}
    for machine in MACHINES.values():
        for spec in machine.transitions:
            name = method_name(case_type=machine.case_type, transition_name=spec.name)
            attributes[name] = _make_method(machine, spec, field_name)
    return type("WorkflowMixin", (), attributes)
