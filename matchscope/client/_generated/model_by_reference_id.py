from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ModelFields


class ModelByReferenceId(BaseModel):
    model_by_reference_id: Optional["ModelByReferenceIdModelByReferenceId"] = Field(
        alias="modelByReferenceId"
    )


ModelByReferenceIdModelByReferenceId = ModelFields
ModelByReferenceId.model_rebuild()
