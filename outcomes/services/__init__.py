"""Every write to outcomes: one module per concept; import from here.

Public API (keyword-only; each raises django ValidationError with a translated
message when the write is refused):

    outcome_record(*, agenda_item, by, decision, discussion="", dissent="",
                   voting_round=None, responsible_organization=None,
                   responsible_resident=None) -> Outcome
        The topic moves to decided (topics.services.topic_mark_decided); the vote
        is linked (the item's last closed vote by default), never retyped.
    outcome_update(*, outcome, by, decision, ...) -> Outcome

    pledge_need_add(*, outcome, by, description, unit, quantity) -> PledgeNeed
    pledge_make(*, need, by, quantity, note="", resident=None, organization=None)
    pledge_withdraw(*, pledge, by) -> Pledge
    pledge_receive(*, pledge, by, quantity, received_on=None, note="") -> PledgeReceipt

    action_item_add(*, outcome, by, description, due_on, owner_resident=None,
                    owner_user=None, owner_organization=None) -> ActionItem
    action_item_change(*, item, by, description, due_on, owner_...) -> ActionItem
    action_item_set_status(*, item, by, status, blocked_reason="") -> ActionItem
    action_update_post(*, item, by, text, status="", blocked_reason="", photos=())
        -> ActionUpdate          (the last item done: the outcome is implemented)
    action_item_remind(*, item, which, now=None) -> int   which before/due/overdue
    action_items_sweep(*, now=None) -> dict               (beat, every 10 minutes)

    rating_submit(*, outcome, resident, by, score, comment="", now=None)
        -> (SatisfactionRating, created)

    minutes_for_meeting(*, meeting) -> Minutes
    minutes_notes_save(*, minutes, by, notes) -> Minutes
    minutes_publish(*, minutes, by, notes=None) -> MinutesVersion
    minutes_correct(*, minutes, by, notes, reason) -> MinutesVersion
    minutes_confirm(*, minutes, resident, by, now=None) -> (MinutesConfirmation, created)
    minutes_tell(*, version) -> int          (run by a task after publishing)
    minutes_pdf_build(*, version) -> bool ; minutes_pdf_request(*, version) -> bool
"""

from .actions import (
    action_item_add,
    action_item_change,
    action_item_owners,
    action_item_remind,
    action_item_set_status,
    action_items_sweep,
    action_update_post,
    outcome_invite_ratings,
    rating_invitees,
    reminder_moments,
)
from .minutes import (
    content_hash,
    draft_notes,
    minutes_confirm,
    minutes_content,
    minutes_correct,
    minutes_for_meeting,
    minutes_notes_save,
    minutes_pdf_build,
    minutes_pdf_request,
    minutes_publish,
    minutes_representatives,
    minutes_tell,
    minutes_without_pdf,
)
from .pledges import pledge_make, pledge_need_add, pledge_receive, pledge_withdraw
from .ratings import RATING_CHANGE_DAYS, rating_changeable_until, rating_submit
from .records import outcome_record, outcome_update

__all__ = [
    "RATING_CHANGE_DAYS",
    "action_item_add",
    "action_item_change",
    "action_item_owners",
    "action_item_remind",
    "action_item_set_status",
    "action_items_sweep",
    "action_update_post",
    "content_hash",
    "draft_notes",
    "minutes_confirm",
    "minutes_content",
    "minutes_correct",
    "minutes_for_meeting",
    "minutes_notes_save",
    "minutes_pdf_build",
    "minutes_pdf_request",
    "minutes_publish",
    "minutes_representatives",
    "minutes_tell",
    "minutes_without_pdf",
    "outcome_invite_ratings",
    "outcome_record",
    "outcome_update",
    "pledge_make",
    "pledge_need_add",
    "pledge_receive",
    "pledge_withdraw",
    "rating_changeable_until",
    "rating_invitees",
    "rating_submit",
    "reminder_moments",
]
