from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (  # noqa: F401
    MatchFields,
    MatchFieldsGroundTruth,
    MatchFieldsItem,
    MatchFieldsNearestGroundTruth,
    MatchFieldsPrediction,
    MatchFieldsReview,
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,
)


class ReviewMatch(BaseModel):
    review_match: Union[
        "ReviewMatchReviewMatchMatch",
        "ReviewMatchReviewMatchValidationError",
        "ReviewMatchReviewMatchNotFoundError",
    ] = Field(alias="reviewMatch", discriminator="typename__")


class ReviewMatchReviewMatchMatch(MatchFields):
    typename__: Literal["Match"] = Field(alias="__typename")


class ReviewMatchReviewMatchValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class ReviewMatchReviewMatchNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


ReviewMatch.model_rebuild()
