from typing import Optional

from .base_model import BaseModel
from .fragments import DatasetFields


class GetDataset(BaseModel):
    dataset: Optional["GetDatasetDataset"]


GetDatasetDataset = DatasetFields
GetDataset.model_rebuild()
