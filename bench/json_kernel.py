"""The results-file byte parser (`engine/_kernels_json.parse_results`) of a git revision against the working tree's,
on the same files in one process: identical output (status, columns bit for bit, undecided spans) and CPU time.

    .venv/bin/python bench/json_kernel.py REV                      # bench/number_formats.py's three 5,000-image files
    .venv/bin/python bench/json_kernel.py REV FILE.json ... [--rounds 9]

The revision's kernel file is loaded as a module of its own (it imports nothing from the package), with its own
numba cache; both are compiled (or loaded from cache) before timing. Rounds alternate which goes first; printed are
the median and best CPU seconds per file, their ratio (working tree / REV) and the load average.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.number_formats import write_formats  # noqa: E402
from matchscope.engine import _kernels_json  # noqa: E402

KERNEL = "matchscope/engine/_kernels_json.py"


def revision_kernel(revision: str, folder: Path) -> ModuleType:
    source = subprocess.run(["git", "show", f"{revision}:{KERNEL}"], cwd=ROOT, check=True, capture_output=True).stdout
    path = folder / "kernel_at_revision.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("kernel_at_revision", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def identical(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    if a[0] != b[0]:
        return False
    for x, y in zip(a[1:], b[1:], strict=True):
        if x.shape != y.shape or not np.array_equal(x.view(np.uint8), y.view(np.uint8)):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("revision")
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    files = args.files or [dets for _, dets in write_formats(5000, 0).values()]
    with tempfile.TemporaryDirectory() as folder:
        old = revision_kernel(args.revision, Path(folder))
        kernels = {args.revision: old.parse_results, "working tree": _kernels_json.parse_results}
        for name, kernel in kernels.items():
            started = time.perf_counter()
            kernel(np.frombuffer(b"[]", dtype=np.uint8))
            print(f"{name}: compiled or loaded in {time.perf_counter() - started:.2f} s", flush=True)
        for path in files:
            buf = np.frombuffer(path.read_bytes(), dtype=np.uint8)
            first, second = (kernel(buf) for kernel in kernels.values())
            print(f"{path.name} ({buf.size / 1e6:.0f} MB, {len(first[1]):,} rows, {len(first[5])} undecided spans): "
                  f"status {first[0]}, identical output {identical(first, second)}", flush=True)  # fmt: skip
            seconds: dict[str, list[float]] = {name: [] for name in kernels}
            for round_ in range(args.rounds):
                for name in list(kernels)[:: 1 if round_ % 2 == 0 else -1]:
                    started = time.process_time()
                    kernels[name](buf)
                    seconds[name].append(time.process_time() - started)
            before, after = (statistics.median(seconds[name]) for name in kernels)
            best = " / ".join(f"{min(values):.4f}" for values in seconds.values())
            print(f"  CPU s median {args.revision} {before:.4f}, working tree {after:.4f} (best {best}); "
                  f"ratio {after / before:.3f}; load average {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
