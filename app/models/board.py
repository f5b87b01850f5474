"""The Steering Board's records (Art. 7, 8): seats, rules of procedure, meetings, decisions with
their votes and forwardings, work programmes and activity reports."""

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    Boolean,
    ForeignKey,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class BoardSeat(Base):
    """One appointment: who holds which seat from when. The holder's name and contact details
    are personal data (Art. 9(2)(c)), shown only under the read policy's `personal` field."""

    __tablename__ = "board_seat"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    role: Mapped[str] = mapped_column(String(16))
    # None for an observer from outside the network (an expert, an international organisation)
    organisation: Mapped[str | None] = mapped_column(ForeignKey("organisation.code"), index=True)
    observer_body: Mapped[str | None] = mapped_column(String(200))
    invitation_reference: Mapped[str | None] = mapped_column(String(300))
    chair: Mapped[bool] = mapped_column(Boolean, default=False)
    holder_name: Mapped[str] = mapped_column(String(200))
    holder_email: Mapped[str | None] = mapped_column(String(320))
    holder_phone: Mapped[str | None] = mapped_column(String(64))
    starts_on: Mapped[date]
    ended_on: Mapped[date | None]
    decision_id: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class BoardRulesOfProcedure(Base):
    """One adopted version of the rules of procedure (ILO-8.1); on a date, the one adopted last
    on or before it is in force (`rules_in_force`)."""

    __tablename__ = "board_rules_of_procedure"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    adopted_on: Mapped[date]
    quorum: Mapped[int] = mapped_column(Integer)
    proxy_allowed: Mapped[bool] = mapped_column(Boolean)
    max_proxies_per_member: Mapped[int] = mapped_column(Integer)
    ep_visible_categories: Mapped[list[str]] = mapped_column(ARRAY(String(64)))
    document_reference: Mapped[str] = mapped_column(String(300))
    decision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


def rules_in_force(on: date) -> Select[BoardRulesOfProcedure]:
    """ILO-8.1: the rules of procedure in force on a date: adopted on or before it, the latest
    adoption date first (of two adopted the same day, the one recorded last); none before."""
    return (
        select(BoardRulesOfProcedure)
        .where(BoardRulesOfProcedure.adopted_on <= on)
        .order_by(BoardRulesOfProcedure.adopted_on.desc(), BoardRulesOfProcedure.id.desc())
        .limit(1)
    )


class BoardMeeting(Base):
    """A Board meeting with the list of deployed ILOs of its day (ILO-8.2(d)): ids, organisation,
    host country and posting type only, never names."""

    __tablename__ = "board_meeting"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    held_on: Mapped[date] = mapped_column(index=True)
    location: Mapped[str] = mapped_column(String(200))
    agenda: Mapped[list[str]] = mapped_column(ARRAY(String(300)))
    officer_list: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    decision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class BoardDecision(Base):
    """A decision with its votes; the outcome is derived (ILO-7.8), stored only as the tally of
    the day it was taken (the seats and rules of that day)."""

    __tablename__ = "board_decision"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    meeting_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("board_meeting.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text)
    decided_on: Mapped[date]
    votes: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    tally: Mapped[dict[str, Any]] = mapped_column(JSONB)
    outcome: Mapped[str] = mapped_column(String(16), index=True)
    decision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class BoardDecisionForwarding(Base):
    """ILO-7.9: a deploying organisation passed a decision on to its ILOs."""

    __tablename__ = "board_decision_forwarding"
    __table_args__ = (UniqueConstraint("board_decision_id", "organisation"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    board_decision_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("board_decision.id"), index=True
    )
    organisation: Mapped[str] = mapped_column(ForeignKey("organisation.code"))
    forwarded_on: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(300))
    decision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class BoardWorkProgramme(Base):
    """ILO-8.2(a): the biennial work programme with its resources; sent to the Parliament."""

    __tablename__ = "board_work_programme"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period_from: Mapped[date]
    period_to: Mapped[date]
    title: Mapped[str] = mapped_column(String(300))
    adopted_on: Mapped[date]
    priorities: Mapped[list[str]] = mapped_column(ARRAY(String(500)))
    resources: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    decision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())


class BoardActivityReport(Base):
    """ILO-8.2(c): a generated activity report, versioned per period, as JSON and as HTML."""

    __tablename__ = "board_activity_report"
    __table_args__ = (UniqueConstraint("period_from", "period_to", "version"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    period_from: Mapped[date]
    period_to: Mapped[date]
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSONB)
    html: Mapped[str] = mapped_column(Text)
    for_european_parliament: Mapped[bool] = mapped_column(Boolean)
    generated_by: Mapped[str] = mapped_column(String(300))
    decision_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
