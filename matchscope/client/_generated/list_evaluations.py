from pydantic import Field

from .base_model import BaseModel
from .fragments import EvaluationFields, PageFields


class ListEvaluations(BaseModel):
    evaluations: "ListEvaluationsEvaluations"


class ListEvaluationsEvaluations(BaseModel):
    page_info: "ListEvaluationsEvaluationsPageInfo" = Field(alias="pageInfo")
    edges: list["ListEvaluationsEvaluationsEdges"]


ListEvaluationsEvaluationsPageInfo = PageFields


class ListEvaluationsEvaluationsEdges(BaseModel):
    node: "ListEvaluationsEvaluationsEdgesNode"


ListEvaluationsEvaluationsEdgesNode = EvaluationFields
ListEvaluations.model_rebuild()
ListEvaluationsEvaluations.model_rebuild()
ListEvaluationsEvaluationsEdges.model_rebuild()
