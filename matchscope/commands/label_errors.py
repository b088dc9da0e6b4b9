"""`matchscope label-errors`: the ground-truth mistakes reviewers marked LABEL_ERROR, as a COCO-style list.

The entries of the current evaluation of a model on a dataset that a reviewer marked `LABEL_ERROR` (with
`reviewMatch`, or the `l` key of the web UI), as `Evaluation.labelErrors` lists them: one JSON object per review,
oldest first — the ground truth's `id` (its annotationId), `image_id` (the item's referenceId), `category`, `bbox`
and `iscrowd`, the `prediction` paired with it, and the reviewer's `note`. A false positive marked LABEL_ERROR (an
object nobody annotated) has no ground truth: its `prediction` is the box to add.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import orjson

from matchscope.commands._common import database, fail, run
from matchscope.services import label_export
from matchscope.services.errors import DomainError

LOCAL_ACCOUNT = "local"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "label-errors",
        help="export the LABEL_ERROR reviews of an evaluation as COCO-style annotations",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dataset", required=True, help="dataset name")
    parser.add_argument("--model", required=True, help="the model's referenceId (import-coco's --model NAME)")
    parser.add_argument("--account", default=LOCAL_ACCOUNT, help=f"owner account (default: {LOCAL_ACCOUNT})")
    parser.add_argument("--out", type=Path, metavar="FILE.json", help="write the list here instead of stdout")
    parser.set_defaults(func=main)


async def export(*, account: str, dataset: str, model: str) -> list[dict[str, Any]]:
    async with database() as state, state.sessions() as session:
        evaluation = await label_export.current_evaluation(
            session, account_name=account, dataset_name=dataset, model_reference_id=model
        )
        return await label_export.label_errors(session, evaluation=evaluation)


def main(args: argparse.Namespace) -> int:
    try:
        errors = run(export(account=args.account, dataset=args.dataset, model=args.model))
    except DomainError as error:
        return fail(str(error))
    text = orjson.dumps(errors, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    if args.out is None:
        sys.stdout.buffer.write(text)
        sys.stdout.flush()
    else:
        try:
            args.out.write_bytes(text)
        except OSError as error:
            return fail(f"--out {args.out}: {error.strerror or error}")
    where = "" if args.out is None else f" to {args.out}"
    print(
        f"matchscope label-errors: {len(errors)} label errors of {args.model!r} on {args.dataset!r}{where}",
        file=sys.stderr,
    )
    return 0
