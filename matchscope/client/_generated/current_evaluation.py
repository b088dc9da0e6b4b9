from typing import Optional

from .base_model import BaseModel
from .fragments import EvaluationFields


class CurrentEvaluation(BaseModel):
    evaluation: Optional["CurrentEvaluationEvaluation"]


CurrentEvaluationEvaluation = EvaluationFields
CurrentEvaluation.model_rebuild()
