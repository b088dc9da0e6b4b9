"""Evaluation options: what a job matches with, its dedupe key, and validation of the request's input."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from matchscope.services.errors import FieldIssue, ValidationFailed


@dataclass(frozen=True, slots=True)
class EvaluationOptions:
    class_agnostic: bool = True
    allowed_label_matches: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "class_agnostic": self.class_agnostic,
            "allowed_label_matches": [list(pair) for pair in self.allowed_label_matches],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> EvaluationOptions:
        data = data or {}
        pairs = tuple((str(gt), str(pred)) for gt, pred in data.get("allowed_label_matches") or [])
        return cls(class_agnostic=bool(data.get("class_agnostic", True)), allowed_label_matches=pairs)

    @property
    def key(self) -> str:
        """A short digest equal for equal options (the dedupe key of identical requests)."""
        return hashlib.sha256(orjson.dumps(self.to_json(), option=orjson.OPT_SORT_KEYS)).hexdigest()

    def labels(self) -> set[str]:
        return {label for pair in self.allowed_label_matches for label in pair}


# Pairs one evaluation may allow: the list is read back with every evaluation (its cost, schema/cost.py).
MAX_LABEL_MATCHES = 100


def validate_options(
    class_agnostic: bool | None, allowed_label_matches: Sequence[tuple[str, str]] | None
) -> EvaluationOptions:
    """Omitted `class_agnostic` is True unless `allowed_label_matches` is given (which implies class-aware)."""
    issues: list[FieldIssue] = []
    if allowed_label_matches is not None and class_agnostic is True:
        issues.append(
            FieldIssue(
                "options.classAgnostic",
                True,
                "allowedLabelMatches implies class-aware matching; omit classAgnostic or set it to false",
            )
        )
    if allowed_label_matches is not None and len(allowed_label_matches) > MAX_LABEL_MATCHES:
        issues.append(
            FieldIssue(
                "options.allowedLabelMatches",
                f"{len(allowed_label_matches):,} pairs",
                f"at most {MAX_LABEL_MATCHES} pairs per evaluation",
            )
        )
    for row, (gt_label, pred_label) in enumerate(allowed_label_matches or ()):
        for name, label in (("groundTruthLabel", gt_label), ("modelPredictionLabel", pred_label)):
            if not label.strip():
                issues.append(FieldIssue(f"options.allowedLabelMatches.{name}", label, "must not be empty", row))
    if issues:
        raise ValidationFailed(issues)
    agnostic = class_agnostic if class_agnostic is not None else allowed_label_matches is None
    pairs = tuple(sorted(set(allowed_label_matches or ())))
    return EvaluationOptions(class_agnostic=agnostic, allowed_label_matches=pairs)
