"""Pages of the casework app: cases (``cases``) and meetings (``meetings``)."""

from .cases import (
    break_glass,
    case_detail,
    case_list,
    case_step,
    participant_add,
    participant_end,
)
from .meetings import (
    action_add,
    action_close,
    agenda_add,
    meeting_detail,
    meeting_list,
    meeting_print,
    meeting_step,
    minutes_save,
    my_actions,
)
from .referrals import referral_edit, referral_list

__all__ = [
    "action_add",
    "action_close",
    "agenda_add",
    "break_glass",
    "case_detail",
    "case_list",
    "case_step",
    "meeting_detail",
    "meeting_list",
    "meeting_print",
    "meeting_step",
    "minutes_save",
    "my_actions",
    "participant_add",
    "participant_end",
    "referral_edit",
    "referral_list",
]
