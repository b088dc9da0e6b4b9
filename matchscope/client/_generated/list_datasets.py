from pydantic import Field

from .base_model import BaseModel
from .fragments import DatasetFields, PageFields


class ListDatasets(BaseModel):
    datasets: "ListDatasetsDatasets"


class ListDatasetsDatasets(BaseModel):
    page_info: "ListDatasetsDatasetsPageInfo" = Field(alias="pageInfo")
    edges: list["ListDatasetsDatasetsEdges"]


ListDatasetsDatasetsPageInfo = PageFields


class ListDatasetsDatasetsEdges(BaseModel):
    node: "ListDatasetsDatasetsEdgesNode"


ListDatasetsDatasetsEdgesNode = DatasetFields
ListDatasets.model_rebuild()
ListDatasetsDatasets.model_rebuild()
ListDatasetsDatasetsEdges.model_rebuild()
