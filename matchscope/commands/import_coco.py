"""`matchscope import-coco`: load a COCO instances file into a dataset, or a results file into a model.

Files are read as pycocotools reads them; what is dropped or repaired is said on stderr, one line each. A file
that cannot be read gets one line naming the file, the entry and the reason, exit code 2, and nothing written.
"""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

from matchscope.commands._common import database, fail, run
from matchscope.engine.cocofile import CocoFileError, DetectionColumns, parse_detections, parse_json
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
    parser.add_argument(
        "--image-root",
        type=Path,
        metavar="DIR",
        help="ground truth: each item's imageLocation is the image's file_name under DIR (stored as an absolute "
        "path; the server shows it when it lies under MATCHSCOPE_IMAGE_ROOT)",
    )
    parser.add_argument("file", type=Path, metavar="FILE.json")
    parser.set_defaults(func=main)


def read_json(path: Path, *, results: bool = False) -> tuple[Any, bytes]:
    """The parsed file and its bytes (the readers go back to them for integers orjson cannot hold). A results list
    is read straight into columns by the byte-level reader (no object per detection)."""
    raw = path.read_bytes()
    if results:
        return parse_detections(raw), raw
    parsed = parse_json(raw)
    # The parsed file lives until the import ends: keep the collector from rescanning it for every record built.
    gc.freeze()
    return parsed, raw


async def import_file(
    path: Path,
    *,
    dataset: str,
    model: str | None,
    account: str,
    quiet: bool,
    image_root: Path | None = None,
) -> coco_import.ImportResult:
    try:
        payload, raw = read_json(path, results=model is not None)
        return await _import(
            payload, raw, path, dataset=dataset, model=model, account=account, quiet=quiet, image_root=image_root
        )
    finally:
        gc.unfreeze()


def _rows(payload: Any, model: str | None) -> int:
    if model is not None:
        return len(payload.score) if isinstance(payload, DetectionColumns) else 0
    if not isinstance(payload, dict):
        return 0
    return sum(len(payload.get(key) or []) for key in ("images", "annotations") if isinstance(payload.get(key), list))


async def _import(
    payload: Any,
    raw: bytes,
    path: Path,
    *,
    dataset: str,
    model: str | None,
    account: str,
    quiet: bool,
    image_root: Path | None,
) -> coco_import.ImportResult:
    if model is None and isinstance(payload, list):
        raise CocoFileError("got a list, not a COCO instances object: a results list needs --model NAME")
    total = _rows(payload, model)
    with tqdm(total=total, unit="row", disable=quiet or not sys.stderr.isatty(), desc=path.name) as bar:
        async with database() as state, transaction(state.sessions) as session:
            owner = await get_or_create_account(session, account)
            assert owner.id is not None
            if model is None:
                return await coco_import.import_ground_truth(
                    session,
                    account_id=owner.id,
                    dataset_name=dataset,
                    data=payload,
                    raw=raw,
                    image_root=image_root,
                    progress=bar.update,
                )
            return await coco_import.import_detections(
                session,
                account_id=owner.id,
                dataset_name=dataset,
                model_name=model,
                data=payload,
                raw=raw,
                progress=bar.update,
            )


def summary(result: coco_import.ImportResult, *, dataset: str, model: str | None) -> str:
    if model is None:
        return (
            f"dataset {dataset!r}: items {result.items.new} new, {result.items.ignored} ignored; "
            f"annotations {result.boxes.new} new, {result.boxes.ignored} ignored"
        )
    return f"model {model!r} on {dataset!r}: predictions {result.boxes.new} new, {result.boxes.ignored} ignored"


def main(args: argparse.Namespace) -> int:
    if args.image_root is not None and args.model is not None:
        return fail("--image-root: only for a ground-truth file (without --model)")
    try:
        result = run(
            import_file(
                args.file,
                dataset=args.dataset,
                model=args.model,
                account=args.account,
                quiet=False,
                image_root=args.image_root,
            )
        )
    except OSError as error:
        return fail(f"cannot read {args.file}: {error}")
    except CocoFileError as error:
        return fail(f"{args.file}: {error}; nothing was written")
    except coco_import.CocoFileRefused as error:
        return fail(f"{args.file}: {error}")
    except DomainError as error:
        return fail(f"{args.file}: {error}")
    except (ValueError, RecursionError, MemoryError) as error:
        return fail(f"{args.file}: {error}; nothing was written")
    except Exception as error:  # a bug, still one line: the transaction was rolled back
        return fail(f"{args.file}: internal error ({type(error).__name__}: {error}); nothing was written", 1)
    for note in result.notes:
        print(f"matchscope import-coco: {args.file}: {note}", file=sys.stderr)
    print(summary(result, dataset=args.dataset, model=args.model))
    return 0
