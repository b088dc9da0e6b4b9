"""`calculate_evaluation_metrics` options as Nucleus scripts spell them → the GraphQL input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matchscope.client._generated import AllowedLabelMatchInput, EvaluationOptionsInput
from matchscope.client.errors import FieldError, ValidationError

_OPTIONS = ("class_agnostic", "allowed_label_matches")
_PAIR = ("ground_truth_label", "model_prediction_label")


def _refused(field: str, value: Any, message: str) -> ValidationError:
    error = FieldError(row=None, field=field, value=repr(value)[:200], message=message)
    return ValidationError(f"evaluation options: {error.describe()}", [error])


def _pair(index: int, pair: Any) -> AllowedLabelMatchInput:
    where = f"allowed_label_matches[{index}]"
    if not isinstance(pair, Mapping) or set(pair) != set(_PAIR):
        raise _refused(where, pair, f"must be a mapping with exactly the keys {', '.join(_PAIR)}")
    for key in _PAIR:
        if not isinstance(pair[key], str) or not pair[key]:
            raise _refused(f"{where}.{key}", pair[key], "must be a non-empty label")
    return AllowedLabelMatchInput(
        groundTruthLabel=pair["ground_truth_label"], modelPredictionLabel=pair["model_prediction_label"]
    )


def evaluation_options(options: Mapping[str, Any] | None) -> EvaluationOptionsInput | None:
    """None, or `{"class_agnostic": bool, "allowed_label_matches": [{"ground_truth_label": ...,
    "model_prediction_label": ...}, ...]}` (either key may be left out)."""
    if options is None:
        return None
    unknown = sorted(set(options) - set(_OPTIONS))
    if unknown:
        raise _refused(unknown[0], options[unknown[0]], f"unknown option; the options are {', '.join(_OPTIONS)}")
    fields: dict[str, Any] = {}
    if "class_agnostic" in options:
        agnostic = options["class_agnostic"]
        if not isinstance(agnostic, bool):
            raise _refused("class_agnostic", agnostic, "must be True or False")
        fields["classAgnostic"] = agnostic
    if options.get("allowed_label_matches") is not None:
        pairs = options["allowed_label_matches"]
        if isinstance(pairs, str | bytes | Mapping) or not hasattr(pairs, "__iter__"):
            raise _refused("allowed_label_matches", pairs, "must be a list of label pairs")
        fields["allowedLabelMatches"] = [_pair(index, pair) for index, pair in enumerate(pairs)]
    return EvaluationOptionsInput.model_validate(fields)
