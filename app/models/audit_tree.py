"""The audit log's Merkle tree: its perfect subtrees, and the signed checkpoints of its heads."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, LargeBinary, SmallInteger, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class AuditTreeNode(Base):
    """A perfect subtree: level L, index i covers the leaves [i * 2^L, (i + 1) * 2^L)."""

    __tablename__ = "audit_tree_node"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class AuditSignedCheckpoint(Base):
    """A tree head the log signed: a C2SP checkpoint as a signed note."""

    __tablename__ = "audit_signed_checkpoint"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(server_default=func.now())


class AuditCosignature(Base):
    """A witness's cosignature (C2SP tlog-cosignature) of a checkpoint ILONet signed, as the
    witness posted it: one per checkpoint size and witness key."""

    __tablename__ = "audit_cosignature"

    tree_size: Mapped[int] = mapped_column(
        BigInteger,
        ForeignKey("audit_signed_checkpoint.size"),
        primary_key=True,
        autoincrement=False,
    )
    key_id: Mapped[str] = mapped_column(Text, primary_key=True)  # hex, the note's key hash
    organisation: Mapped[str] = mapped_column(Text)
    witness: Mapped[str] = mapped_column(Text)  # the key's name
    signature: Mapped[str] = mapped_column(Text)  # the note's signature line
    cosigned_at: Mapped[int] = mapped_column(BigInteger)  # the cosignature's own timestamp
    received_at: Mapped[datetime] = mapped_column(server_default=func.now())
