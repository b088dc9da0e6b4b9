from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import DatasetFields


class DatasetByName(BaseModel):
    dataset_by_name: Optional["DatasetByNameDatasetByName"] = Field(
        alias="datasetByName"
    )


DatasetByNameDatasetByName = DatasetFields
DatasetByName.model_rebuild()
