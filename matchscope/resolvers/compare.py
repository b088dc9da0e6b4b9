"""`compareEvaluations`: two evaluations of one dataset side by side."""

from __future__ import annotations

import strawberry

from matchscope.schema.common import NotFoundError, ValidationError
from matchscope.schema.compare import ComparePayload, EvaluationComparison
from matchscope.schema.context import Info
from matchscope.schema.ids import expect_id
from matchscope.services import compare
from matchscope.services.errors import NotFound, ValidationFailed


@strawberry.type
class CompareQuery:
    @strawberry.field(
        description="Two of your complete evaluations of one dataset: metrics side by side and the ground truths "
        "one finds and the other misses. Evaluations of different datasets are a ValidationError."
    )
    async def compare_evaluations(self, info: Info, base_id: strawberry.ID, other_id: strawberry.ID) -> ComparePayload:
        try:
            base_pk, other_pk = expect_id(base_id, "Evaluation"), expect_id(other_id, "Evaluation")
            comparison = await compare.open_comparison(info.context.actor, base_id=base_pk, other_id=other_pk)
        except NotFound as error:
            # Named by the id as given, like every other not-found.
            given = error.id if isinstance(error.id, str) else (base_id if error.id == base_pk else other_id)
            return NotFoundError.from_error(NotFound(error.kind, given))
        except ValidationFailed as error:
            return ValidationError.from_error(error)
        return EvaluationComparison.of(comparison)
