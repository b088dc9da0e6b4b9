"""Browsing an evaluation's entries at query-time thresholds (DESIGN §3): keyset pages and one item's entries.

A `match_entry` row stands for one box. At IoU threshold t and confidence threshold c:

- a prediction row is dropped when its confidence (null = 1) < c; otherwise it is a TRUE_POSITIVE when its
  pair reaches t with compatible labels, else a FALSE_POSITIVE;
- a ground-truth row is hidden when its pair is a TRUE_POSITIVE (the prediction row stands for it);
  otherwise it is a FALSE_NEGATIVE.

Each outcome is a union of a few disjoint *branches*, each an equality on (is_prediction, compatible) plus
ranges on iou and confidence, so every branch is one range scan of a composite index ordered by
(sort value, id). A page is the UNION ALL of the branches' own ordered, limited pages, merged and cut again:
page 1,000 costs what page 1 costs.

The modules: `records` (the values: outcomes, thresholds, filters, rows), `evaluations` (an evaluation's row),
`shape` (a page's branches and conditions), `statements` (the SQL built once per shape), `rows` (the columns read
with the entries and how records become rows), `pages` (the use cases), `sql` (pieces they share). The functions
that take an `Actor` are what the API calls; the others take the database and are shared with other services.
"""

from __future__ import annotations

from matchscope.services.browse.evaluations import (
    EvaluationRow,
    current_evaluation,
    evaluation_coco,
    find_current_evaluation,
    find_evaluation,
    visible_evaluation,
)
from matchscope.services.browse.pages import (
    entries_by_id,
    entries_on_item,
    entry,
    entry_by_id,
    item_entries,
    matches_page,
)
from matchscope.services.browse.records import (
    DEFAULT_THRESHOLDS,
    OUTCOME_BY_CODE,
    ItemRow,
    MatchFilter,
    MatchOrder,
    MatchRow,
    Outcome,
    SortField,
    Thresholds,
)
from matchscope.services.browse.rows import EVERY_DETAIL, RowDetails
from matchscope.services.error_types import ERROR_TYPE_BY_CODE, ErrorType

__all__ = [
    "DEFAULT_THRESHOLDS",
    "ERROR_TYPE_BY_CODE",
    "EVERY_DETAIL",
    "OUTCOME_BY_CODE",
    "ErrorType",
    "EvaluationRow",
    "ItemRow",
    "MatchFilter",
    "MatchOrder",
    "MatchRow",
    "Outcome",
    "RowDetails",
    "SortField",
    "Thresholds",
    "current_evaluation",
    "entries_by_id",
    "entries_on_item",
    "entry",
    "entry_by_id",
    "evaluation_coco",
    "find_current_evaluation",
    "find_evaluation",
    "item_entries",
    "matches_page",
    "visible_evaluation",
]
