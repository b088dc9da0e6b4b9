from pydantic import Field

from .base_model import BaseModel
from .fragments import ModelFields, PageFields


class ListModels(BaseModel):
    models: "ListModelsModels"


class ListModelsModels(BaseModel):
    page_info: "ListModelsModelsPageInfo" = Field(alias="pageInfo")
    edges: list["ListModelsModelsEdges"]


ListModelsModelsPageInfo = PageFields


class ListModelsModelsEdges(BaseModel):
    node: "ListModelsModelsEdgesNode"


ListModelsModelsEdgesNode = ModelFields
ListModels.model_rebuild()
ListModelsModels.model_rebuild()
ListModelsModelsEdges.model_rebuild()
