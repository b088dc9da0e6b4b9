from pydantic import Field

from .base_model import BaseModel
from .fragments import JobFields


class JobUpdates(BaseModel):
    job_updates: "JobUpdatesJobUpdates" = Field(alias="jobUpdates")


JobUpdatesJobUpdates = JobFields
JobUpdates.model_rebuild()
