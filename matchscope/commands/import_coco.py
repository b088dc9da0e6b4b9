"""`matchscope import-coco`: load a COCO instances file into a dataset, or a results file into a model."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Any

import orjson
from tqdm import tqdm

from matchscope.commands._common import database, fail, run
from matchscope.services import coco_import
from matchscope.services.accounts import get_or_create_account
from matchscope.services.errors import DomainError
from matchscope.store.db import transaction

LOCAL_ACCOUNT = "local"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("import-coco", help="import COCO ground truth or detections")
    parser.add_argument("--dataset", required=True, help="dataset name (created by a ground-truth import)")
    parser.add_argument("--model", help="model name: import FILE as this model's detections")
    parser.add_argument("--account", default=LOCAL_ACCOUNT, help=f"owner account (default: {LOCAL_ACCOUNT})")
    parser.add_argument("file", type=Path, metavar="FILE.json")
    parser.set_defaults(func=main)


def read_json(path: Path) -> Any:
    data = path.read_bytes()
    gc.disable()  # parsing allocates millions of objects that all survive; collection only costs time
    try:
        parsed = orjson.loads(data)
    finally:
        gc.enable()
    # The parsed file lives until the import ends: keep the collector from rescanning it for every record built.
    gc.freeze()
    return parsed


async def import_file(path: Path, *, dataset: str, model: str | None, account: str, quiet: bool) -> str:
    try:
        return await _import(read_json(path), path, dataset=dataset, model=model, account=account, quiet=quiet)
    finally:
        gc.unfreeze()


async def _import(payload: Any, path: Path, *, dataset: str, model: str | None, account: str, quiet: bool) -> str:
    total = len(payload) if model else len(payload.get("images", [])) + len(payload.get("annotations", []))
    with tqdm(total=total, unit="row", disable=quiet or not sys.stderr.isatty(), desc=path.name) as bar:
        async with database() as state, transaction(state.sessions) as session:
            owner = await get_or_create_account(session, account)
            assert owner.id is not None
            if model is None:
                result = await coco_import.import_ground_truth(
                    session, account_id=owner.id, dataset_name=dataset, data=payload, progress=bar.update
                )
                return (
                    f"dataset {dataset!r}: items {result.items.new} new, {result.items.ignored} ignored; "
                    f"annotations {result.boxes.new} new, {result.boxes.ignored} ignored"
                )
            result = await coco_import.import_detections(
                session,
                account_id=owner.id,
                dataset_name=dataset,
                model_name=model,
                data=payload,
                progress=bar.update,
            )
            return f"model {model!r} on {dataset!r}: predictions {result.boxes.new} new, {result.boxes.ignored} ignored"


def main(args: argparse.Namespace) -> int:
    try:
        summary = run(import_file(args.file, dataset=args.dataset, model=args.model, account=args.account, quiet=False))
    except OSError as error:
        return fail(f"cannot read {args.file}: {error}")
    except orjson.JSONDecodeError as error:
        return fail(f"{args.file} is not JSON: {error}")
    except DomainError as error:
        return fail(str(error))
    print(summary)
    return 0
