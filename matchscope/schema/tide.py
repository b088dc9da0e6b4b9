"""The TideSummary type: an evaluation's TIDE summary as tidecv 1.0.1 computes it (DESIGN §3, §5)."""

from __future__ import annotations

from typing import Any

import strawberry

from matchscope.schema.error_types import ErrorType


@strawberry.type(description="One error type: how many errors, and the AP50 gained by fixing them all.")
class TideError:
    type: ErrorType
    count: int
    delta_ap: float = strawberry.field(description="ΔAP in AP points (0-100), as tidecv prints it; never negative.")

    @classmethod
    def from_json(cls, error: dict[str, Any]) -> TideError:
        return cls(type=ErrorType(error["type"]), count=int(error["count"]), delta_ap=float(error["delta_ap"]))


@strawberry.type(description="One class's AP50 and errors: tidecv's rules applied to that class alone.")
class TideClassErrors:
    label: str
    ap50: float
    errors: list[TideError]


@strawberry.type(
    description="TIDE summary, class-aware, foreground IoU 0.5, background 0.1: tidecv 1.0.1's own numbers on the "
    "same boxes (AP50 over every class with predictions or ground truth, 100 predictions per item, crowd boxes as "
    "ignore regions)."
)
class TideSummary:
    ap50: float = strawberry.field(description="tidecv's AP50, in AP points (0-100).")
    errors: list[TideError] = strawberry.field(description="Every error type, in tidecv's order.")
    per_class: list[TideClassErrors] = strawberry.field(description="Classes with predictions or ground truth.")

    @classmethod
    def from_json(cls, tide: dict[str, Any]) -> TideSummary:
        return cls(
            ap50=float(tide["ap50"]),
            errors=[TideError.from_json(error) for error in tide["errors"]],
            per_class=[
                TideClassErrors(
                    label=entry["label"],
                    ap50=float(entry["ap50"]),
                    errors=[TideError.from_json(error) for error in entry["errors"]],
                )
                for entry in tide["per_class"]
            ],
        )
