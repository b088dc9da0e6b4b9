from typing import Literal, Union

from pydantic import Field

from .base_model import BaseModel
from .fragments import (  # noqa: F401
    JobFields,
    JobFieldsEvaluation,
    NotFoundErrorFields,
    ValidationErrorFields,
    ValidationErrorFieldsErrors,
)


class CancelJob(BaseModel):
    cancel_job: Union[
        "CancelJobCancelJobAsyncJob",
        "CancelJobCancelJobValidationError",
        "CancelJobCancelJobNotFoundError",
    ] = Field(alias="cancelJob", discriminator="typename__")


class CancelJobCancelJobAsyncJob(JobFields):
    typename__: Literal["AsyncJob"] = Field(alias="__typename")


class CancelJobCancelJobValidationError(ValidationErrorFields):
    typename__: Literal["ValidationError"] = Field(alias="__typename")


class CancelJobCancelJobNotFoundError(NotFoundErrorFields):
    typename__: Literal["NotFoundError"] = Field(alias="__typename")


CancelJob.model_rebuild()
