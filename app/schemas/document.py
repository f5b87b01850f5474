"""Platform documents (Art. 9): metadata, uploads (JSON content or multipart), versions, search
hits and the ILO contact list (Art. 9(2)(d))."""

import uuid
from datetime import date, datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from app.bounds import Message
from app.deferred_models import DeferredModel
from app.policies.vocabulary import (
    DocumentAudience,
    DocumentCategory,
    HandlingMarking,
    InformationTopic,
)
from app.schemas.common import (
    Column2,
    Column16,
    Column64,
    Column100,
    Column200,
    Column300,
    ColumnCount,
    ColumnId,
    CountryCode,
    OrganisationCode,
    Page,
    StrictInput,
    Subject,
    Version,
)

Label = Annotated[str, StringConstraints(min_length=1, max_length=100)]

# Bidirectional controls reorder what a reader sees (`txt.exe` shown as `exe.txt`): refused in
# the names and titles the platform stores and shows.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _displayable(value: str) -> str:
    """A name or title: no NUL (it cannot be stored), no bidirectional control character."""
    if "\x00" in value:
        raise ValueError("holds a NUL character (U+0000), which cannot be stored")
    for char in value:
        if char in BIDI_CONTROLS:
            raise ValueError(
                f"holds the bidirectional control character U+{ord(char):04X}, which names and "
                "titles may not hold (rule names.no_bidi_controls)"
            )
    return value


DisplayedName = Annotated[str, AfterValidator(_displayable)]


class StatisticsCell(StrictInput):
    labels: dict[Label, Label] = Field(
        max_length=8,
        description="The cell's position: dimension → value (e.g. age_band → 14-17).",
        examples=[{"age_band": "14-17", "gender": "F"}],
    )
    count: int = Field(ge=0, le=100_000_000)


class DocumentStatisticsTable(StrictInput):
    """Aggregated statistics of an Art. 3(4) report (recital 8): flows by age band, gender,
    family composition, unaccompanied minors. No cell may be below the small-cell threshold."""

    name: Label
    cells: list[StatisticsCell] = Field(min_length=1, max_length=1000)


class DocumentContent(StrictInput):
    """A version's file, carried in JSON (a multipart upload carries it as a file part)."""

    media_type: str = Field(
        min_length=1,
        max_length=100,
        description="text/plain, text/markdown, text/csv, application/json, application/pdf "
        "or the DOCX type; anything else is a 415.",
        examples=["text/markdown"],
    )
    filename: DisplayedName | None = Field(default=None, min_length=1, max_length=255)
    # Kept byte for byte (no whitespace stripped): its SHA-256 is the file's.
    content: Annotated[str, StringConstraints(strip_whitespace=False)] = Field(
        max_length=16_000_000,
        description="The file: its text (content_encoding utf-8) or base64 of its bytes.",
    )
    content_encoding: Literal["utf-8", "base64"] = "utf-8"
    statistics: list[DocumentStatisticsTable] | None = Field(
        default=None,
        max_length=50,
        description="Only for category ilo_information_report: its aggregated statistics.",
    )
    count_columns: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] = Field(
        default_factory=list,
        max_length=100,
        description="An ilo_information_report's file tables: the headers (CSV, DOCX) or member "
        "names (JSON) of its count columns. A column whose header names a count (count, number, "
        "total, persons, …) is one too; each count is held to the small-cell threshold (ILO-3.4).",
    )

    # A multipart upload's file part, as received (`content` is then empty): never encoded to
    # base64 and decoded again.
    _file: bytes | None = PrivateAttr(default=None)

    @property
    def file(self) -> bytes | None:
        return self._file

    def with_file(self, content: bytes) -> Self:
        self._file = content
        return self


class DocumentMetadata(StrictInput):
    title: DisplayedName = Field(
        min_length=1, max_length=300, examples=["Western Balkans risk analysis Q3"]
    )
    category: DocumentCategory
    audience: DocumentAudience
    network_id: uuid.UUID | None = Field(
        default=None,
        description="The network (its id) a `network` audience document is for.",
    )
    handling: HandlingMarking = HandlingMarking.limited
    information_topics: list[InformationTopic] = Field(
        default_factory=list,
        max_length=len(InformationTopic),
        json_schema_extra={"uniqueItems": True},
        description="Art. 3(4) topics of an ilo_information_report.",
    )
    host_country: CountryCode | None = None
    period_from: date | None = None
    period_to: date | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if (self.audience == DocumentAudience.network) != (self.network_id is not None):
            raise ValueError("network_id is given exactly when the audience is network")
        if self.category == DocumentCategory.ilo_information_report:
            if not self.information_topics or self.host_country is None:
                raise ValueError(
                    "an ilo_information_report names its information_topics and host_country"
                )
            if self.period_from is None or self.period_to is None:
                raise ValueError("an ilo_information_report names its period")
        if self.period_from and self.period_to and self.period_to < self.period_from:
            raise ValueError("period_to is before period_from")
        return self


class DocumentUpload(DocumentMetadata, DocumentContent):
    """A new document and its first version."""

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "title": "Sahel network: quarterly risk analysis Q3 2024",
                    "category": "a_analytical_product",
                    "audience": "all_ilos",
                    "handling": "limited",
                    "media_type": "text/markdown",
                    "content": "# Q3 2024\n\nDetections fell by 23% (4 512 against 5 861).",
                }
            ]
        }
    }

    @model_validator(mode="after")
    def _statistics_only_for_reports(self) -> Self:
        if self.statistics and self.category != DocumentCategory.ilo_information_report:
            raise ValueError("statistics belong to an ilo_information_report")
        return self


class DocumentVersionUpload(DocumentContent):
    """A new version of a document (the older ones stay)."""

    model_config = {
        "json_schema_extra": {
            "examples": [{"media_type": "text/plain", "content": "Revised figures: 4 530."}]
        }
    }


class DocumentVersionOut(DeferredModel):
    # the integers their Integer columns' bounds
    number: Version
    media_type: Column100
    filename: Annotated[str, StringConstraints(max_length=255)] | None
    size_bytes: ColumnCount
    sha256: ColumnId
    pages: ColumnCount
    created_at: datetime
    created_by: Subject


class DocumentOut(DeferredModel):
    id: uuid.UUID
    organisation: OrganisationCode
    title: Column300
    category: DocumentCategory
    audience: DocumentAudience
    network_id: ColumnId | None
    handling: HandlingMarking
    information_topics: list[InformationTopic] = Field(max_length=len(InformationTopic))
    host_country: Column2 | None
    period_from: date | None
    period_to: date | None
    current_version: Version
    # each a distinct version number (an Integer from 1)
    versions: list[DocumentVersionOut] = Field(max_length=2**31 - 1)
    version: Version
    created_at: datetime
    created_by: Subject


class DocumentHit(DeferredModel):
    """A search hit: the document, its rank and highlights (<b>…</b>) of its current version."""

    id: uuid.UUID
    title: Column300
    category: DocumentCategory
    audience: DocumentAudience
    current_version: Version
    rank: float
    highlight: Message = Field(description="Its first fragments, cut to their bound")


class IloContact(DeferredModel):
    """One line of the ILO contact list (Art. 9(2)(d))."""

    officer_id: uuid.UUID
    # the officer's given names and surname (String(200) each), with a space between
    name: Annotated[str, StringConstraints(max_length=401)]
    organisation: OrganisationCode
    place_of_deployment: Column200  # the deployment's city
    host_country: Column2  # the deployment's (String(2))
    region_of_responsibility: list[Column2] = Field(max_length=60)  # as DeploymentCreate admits
    telephone: (
        Annotated[str, StringConstraints(max_length=25)] | None
    )  # as an officer's Contact admits
    email: Annotated[str, StringConstraints(max_length=254)] | None


class IloContactList(Page[IloContact]):
    """A page of the ILO contact list (`next_cursor` leads to the next)."""

    generated_at: datetime
    as_of: date


class BoardMemberLine(DeferredModel):
    """One line of the Board-members list (Art. 9(2)(c)): a seat in force and its holder, as
    the Board module stores them."""

    seat_id: uuid.UUID
    role: Column16
    organisation: OrganisationCode | None
    observer_body: Column200 | None
    chair: bool
    holder_name: Column200
    email: Annotated[str, StringConstraints(max_length=320)] | None  # holder_email String(320)
    telephone: Column64 | None  # holder_phone String(64)
    since: date


class BoardMemberList(Page[BoardMemberLine]):
    """A page of the Board-members list (`next_cursor` leads to the next)."""

    generated_at: datetime
    as_of: date
