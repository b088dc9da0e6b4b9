"""Upload input conversion: strawberry's own field-by-field conversion vs matchscope's `built_from_mapping`.

    .venv/bin/python bench/upload_inputs.py [--rows 10000] [--repeat 7]

Executes `{ count(boxes: $boxes) }` on a one-field schema whose argument is `[BoxPredictionInput!]!`, with the
rows as a variable: graphql-core's variable coercion is in both timings, the rest is building the inputs. The
default path is strawberry's (the builder switched off for those rounds); rounds alternate. Prints the median
of each, the ratio, and the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types import get_object_definition

from matchscope.schema.ingest import BoxPredictionInput

QUERY = "query($boxes: [BoxPredictionInput!]!) { count(boxes: $boxes) }"


@strawberry.type
class Query:
    @strawberry.field
    def count(self, boxes: list[BoxPredictionInput]) -> int:
        return len(boxes)


def rows(count: int) -> list[dict[str, Any]]:
    return [
        {"itemReferenceId": f"i{i % 500}", "label": "cat", "x": 1.0, "y": 2.0, "width": 3.0, "height": 4.0,
         "annotationId": f"p{i}", "confidence": 0.5, "classPdf": {"cat": 0.5, "dog": 0.5}, "metadata": {"k": i}}
        for i in range(count)
    ]  # fmt: skip


def timed(run: Callable[[], None]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    schema = strawberry.Schema(query=Query)
    variables = {"boxes": rows(args.rows)}
    definition = get_object_definition(BoxPredictionInput, strict=True)
    builder = definition.from_input

    def execute() -> None:
        result = schema.execute_sync(QUERY, variables)
        assert result.errors is None and result.data == {"count": args.rows}, result.errors

    def strawberrys() -> None:
        definition.from_input = None
        try:
            execute()
        finally:
            definition.from_input = builder

    print(f"load average before: {os.getloadavg()}")
    execute(), strawberrys()  # warm-up
    times: dict[str, list[float]] = {"strawberry": [], "matchscope": []}
    for _ in range(args.repeat):
        times["strawberry"].append(timed(strawberrys))
        times["matchscope"].append(timed(execute))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:>10}: {args.rows:,} rows, median {median * 1e3:.1f} ms (min {min(times[name]) * 1e3:.1f} ms)")
    print(f"matchscope / strawberry: {medians['matchscope'] / medians['strawberry']:.2f}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
