from typing import Optional

from pydantic import Field

from .base_model import BaseModel
from .fragments import ItemFields, PageFields


class DatasetItems(BaseModel):
    dataset: Optional["DatasetItemsDataset"]


class DatasetItemsDataset(BaseModel):
    items: "DatasetItemsDatasetItems"


class DatasetItemsDatasetItems(BaseModel):
    page_info: "DatasetItemsDatasetItemsPageInfo" = Field(alias="pageInfo")
    edges: list["DatasetItemsDatasetItemsEdges"]


DatasetItemsDatasetItemsPageInfo = PageFields


class DatasetItemsDatasetItemsEdges(BaseModel):
    node: "DatasetItemsDatasetItemsEdgesNode"


DatasetItemsDatasetItemsEdgesNode = ItemFields
DatasetItems.model_rebuild()
DatasetItemsDataset.model_rebuild()
DatasetItemsDatasetItems.model_rebuild()
DatasetItemsDatasetItemsEdges.model_rebuild()
