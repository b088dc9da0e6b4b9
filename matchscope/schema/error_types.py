"""The TIDE error types (DESIGN §3), shared by the TIDE summary and the entries."""

from __future__ import annotations

import strawberry

from matchscope.services.error_types import ErrorType

__all__ = ["ErrorType"]

# The service's own enum, registered as the GraphQL enum (strawberry marks the class): one list of types.
strawberry.enum(
    ErrorType,
    name="ErrorType",
    description="TIDE error type (Bolya et al. 2020), in tidecv's order: CLASSIFICATION (right box, wrong class), "
    "LOCALIZATION (right class, IoU between the background threshold 0.1 and the foreground threshold), BOTH, "
    "DUPLICATE (the ground truth is already another prediction's true positive), BACKGROUND (IoU ≤ 0.1 with every "
    "ground truth), MISSED (a ground truth no error would fix).",
)
