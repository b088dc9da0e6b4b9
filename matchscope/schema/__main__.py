"""`python -m matchscope.schema`: write the SDL to matchscope/schema/schema.graphql (`--check`: only compare).

A program, not part of the package's imports: it takes the whole schema from the resolvers' root types."""

from __future__ import annotations

import sys

from matchscope.resolvers.root import export_sdl
from matchscope.schema import SDL_PATH


def main(argv: list[str]) -> int:
    sdl = export_sdl()
    if "--check" in argv:
        current = SDL_PATH.read_text(encoding="utf-8") if SDL_PATH.exists() else ""
        if current != sdl:
            print(f"{SDL_PATH} is out of date; run: python -m matchscope.schema", file=sys.stderr)
            return 1
        return 0
    SDL_PATH.write_text(sdl, encoding="utf-8")
    print(f"wrote {SDL_PATH} ({len(sdl.splitlines())} lines)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
