from enum import Enum


class ErrorType(str, Enum):
    CLASSIFICATION = "CLASSIFICATION"
    LOCALIZATION = "LOCALIZATION"
    BOTH = "BOTH"
    DUPLICATE = "DUPLICATE"
    BACKGROUND = "BACKGROUND"
    MISSED = "MISSED"


class FlipKind(str, Enum):
    FIXED = "FIXED"
    BROKEN = "BROKEN"


class JobStatus(str, Enum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"
    ERRORED = "ERRORED"
    CANCELLED = "CANCELLED"


class JobType(str, Enum):
    EVALUATION = "EVALUATION"


class MatchOrderField(str, Enum):
    IOU = "IOU"
    CONFIDENCE = "CONFIDENCE"


class MatchOutcome(str, Enum):
    TRUE_POSITIVE = "TRUE_POSITIVE"
    FALSE_POSITIVE = "FALSE_POSITIVE"
    FALSE_NEGATIVE = "FALSE_NEGATIVE"


class OrderDirection(str, Enum):
    ASC = "ASC"
    DESC = "DESC"


class ReviewStatus(str, Enum):
    UNREVIEWED = "UNREVIEWED"
    CONFIRMED = "CONFIRMED"
    LABEL_ERROR = "LABEL_ERROR"
    IGNORED = "IGNORED"
