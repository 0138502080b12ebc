"""Recording the outcome of an agenda item: the decision, the vote, who is responsible."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from council.models import AgendaItem, MeetingStatus
from residents.models import Organization, Resident
from topics.models import TopicStatus
from topics.services import topic_mark_decided
from voting.models import RoundStatus, VotingRound

from ..models import Outcome
from ..selectors import COMMUNITY_OUTCOMES, OUTCOME_PAGES
from .common import locked_outcome, require_text, same_community

# An outcome is recorded once the meeting has opened.
RECORDABLE_MEETING_STATUSES = (MeetingStatus.IN_PROGRESS, MeetingStatus.CONCLUDED)


def _round_for(agenda_item: AgendaItem, voting_round: VotingRound | None):
    """The vote to link: the one given (of this item, closed), else the item's last."""
    if voting_round is not None:
        if voting_round.agenda_item_id != agenda_item.pk:
            raise ValidationError(
                {"voting_round": _("Choose a vote held on this agenda item.")}
            )
        if voting_round.status != RoundStatus.CLOSED:
            raise ValidationError(
                {"voting_round": _("This vote is not closed yet: wait for its result.")}
            )
        return voting_round
    return (
        VotingRound.objects.filter(agenda_item=agenda_item, status=RoundStatus.CLOSED)
        .order_by("-closed_at", "-pk")
        .first()
    )


def _responsible(community, organization, resident):
    if organization is not None and resident is not None:
        raise ValidationError(
            {
                "responsible": _(
                    "Choose one responsible party: an organisation or a person."
                )
            }
        )
    same_community(community, organization, resident)


@transaction.atomic
def outcome_record(
    *,
    agenda_item: AgendaItem,
    by,
    decision: str,
    discussion: str = "",
    dissent: str = "",
    voting_round: VotingRound | None = None,
    responsible_organization: Organization | None = None,
    responsible_resident: Resident | None = None,
) -> Outcome:
    """Record what the council decided on an agenda item; the topic becomes decided.

    The vote's result is linked (the item's last closed vote when none is given),
    never retyped. Locks the agenda item, so two social workers recording at once
    make one outcome.
    """
    agenda_item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__community", "topic")
        .get(pk=agenda_item.pk)
    )
    meeting = agenda_item.meeting
    community = meeting.community
    if meeting.status not in RECORDABLE_MEETING_STATUSES:
        raise ValidationError(
            _("Outcomes are recorded once the meeting has started (it is %(status)s).")
            % {"status": meeting.get_status_display()}
        )
    if Outcome.objects.filter(agenda_item=agenda_item).exists():
        raise ValidationError(_("The outcome of this agenda item is already recorded."))
    decision = require_text(
        decision, "decision", _("Write the decision in words."), limit=5000
    )
    _responsible(community, responsible_organization, responsible_resident)
    outcome = Outcome(
        community=community,
        meeting=meeting,
        agenda_item=agenda_item,
        topic=agenda_item.topic,
        voting_round=_round_for(agenda_item, voting_round),
        decision=decision,
        discussion=(discussion or "").strip(),
        dissent=(dissent or "").strip(),
        responsible_organization=responsible_organization,
        responsible_resident=responsible_resident,
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            outcome.save()
    except IntegrityError:
        raise ValidationError(
            _("The outcome of this agenda item is already recorded.")
        ) from None
    # A topic the meeting already marked decided keeps that one entry in its
    # history (and its submitter was told once); the topic page shows the outcome.
    topic = agenda_item.topic
    if topic is not None and topic.status != TopicStatus.DECIDED:
        topic_mark_decided(
            topic=topic,
            by=by,
            outcome=decision,
            meeting=meeting.title,
            link=outcome.get_absolute_url(),
        )
    COMMUNITY_OUTCOMES.changed(str(outcome.community_id))
    return outcome


@transaction.atomic
def outcome_update(
    *,
    outcome: Outcome,
    by,
    decision: str,
    discussion: str = "",
    dissent: str = "",
    voting_round: VotingRound | None = None,
    responsible_organization: Organization | None = None,
    responsible_resident: Resident | None = None,
) -> Outcome:
    """Correct an outcome's words, its vote or who is responsible.

    Published minutes keep their text: they change only by a correction.
    """
    outcome = locked_outcome(outcome)
    outcome.decision = require_text(
        decision, "decision", _("Write the decision in words."), limit=5000
    )
    _responsible(outcome.community, responsible_organization, responsible_resident)
    outcome.discussion = (discussion or "").strip()
    outcome.dissent = (dissent or "").strip()
    if voting_round is not None:
        outcome.voting_round = _round_for(outcome.agenda_item, voting_round)
    outcome.responsible_organization = responsible_organization
    outcome.responsible_resident = responsible_resident
    outcome.save(
        update_fields=[
            "decision",
            "discussion",
            "dissent",
            "voting_round",
            "responsible_organization",
            "responsible_resident",
            "updated_at",
        ]
    )
    COMMUNITY_OUTCOMES.changed(str(outcome.community_id))
    OUTCOME_PAGES.changed(str(outcome.pk))
    return outcome
