"""Evaluation jobs: options, submission, and the job itself (load boxes → engine → save entries, chunk by chunk).

The work is done in :mod:`matchscope.services.evaluation`, one module per step; this module is the public
face that jobs, resolvers and schema import.
"""

from __future__ import annotations

from matchscope.services.evaluation.entries import ENTRY_COLUMNS
from matchscope.services.evaluation.lifecycle import CLASS_COLUMNS, abandon
from matchscope.services.evaluation.match import DEFAULT_IOU_THRESHOLD
from matchscope.services.evaluation.options import EvaluationOptions, validate_options
from matchscope.services.evaluation.run import Progress, run_evaluation
from matchscope.services.evaluation.status import ACTIVE, FINISHED, JobCancelled, JobStatus, JobType
from matchscope.services.evaluation.submit import get_job, request_cancel, submit

__all__ = [
    "ACTIVE",
    "CLASS_COLUMNS",
    "DEFAULT_IOU_THRESHOLD",
    "ENTRY_COLUMNS",
    "FINISHED",
    "EvaluationOptions",
    "JobCancelled",
    "JobStatus",
    "JobType",
    "Progress",
    "abandon",
    "get_job",
    "request_cancel",
    "run_evaluation",
    "submit",
    "validate_options",
]
