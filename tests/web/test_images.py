"""/images and /thumbnails: the item's own account only, files from under the image root only, thumbnails
made once and then read from the disk cache; and the imageUrl/thumbnailUrl fields that point at them."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from PIL import Image
from starlette.applications import Starlette

from matchscope.app import create_app
from matchscope.services import images
from matchscope.services.images import ThumbnailCache
from matchscope.settings import Settings
from matchscope.state import AppState
from tests.conftest import Caller, GraphQL
from tests.web.isolated import isolated_settings

CREATE = "mutation($name: String!) { createDataset(input: {name: $name}) { ... on Dataset { id } } }"
APPEND = """mutation($id: ID!, $items: [DatasetItemInput!]!) { appendItems(datasetId: $id, items: $items) {
  ... on UploadResult { new } ... on ValidationError { message } } }"""
ITEMS = """query($id: ID!) { dataset(id: $id) { items(first: 50) { edges { node {
  id referenceId imageUrl thumbnailUrl large: thumbnailUrl(size: 512) } } } } }"""


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return isolated_settings(database_url, tmp_path)


@pytest.fixture
def app(state: AppState) -> Starlette:
    return create_app(state.settings, state=state)


@pytest_asyncio.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http


@pytest.fixture
def cache(app: Starlette) -> ThumbnailCache:
    return app.state.item_images.cache  # type: ignore[no-any-return]


def _picture(path: Path, size: tuple[int, int], colour: tuple[int, int, int], mode: str = "RGB") -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    image = Image.new(mode, size, colour if mode == "RGB" else (*colour, 128))
    image.save(path)
    return path.read_bytes()


@pytest.fixture
def files(settings: Settings, tmp_path: Path) -> dict[str, Any]:
    root = settings.images_dir()
    outside = tmp_path / "outside.png"
    _picture(outside, (64, 64), (255, 255, 255))
    (root / "escape.png").parent.mkdir(parents=True, exist_ok=True)
    (root / "escape.png").symlink_to(outside)
    (root / "broken.jpg").write_bytes(b"not an image at all")
    return {
        "relative": _picture(root / "street" / "scene.png", (640, 480), (200, 30, 30)),
        "absolute": _picture(root / "tall.jpg", (300, 900), (20, 40, 220)),
        "alpha": _picture(root / "alpha.png", (100, 50), (0, 255, 0), mode="RGBA"),
        "outside": outside,
        "root": root,
    }


ItemIds = dict[str, str]


@pytest.fixture
async def items(gql: GraphQL, files: dict[str, Any]) -> ItemIds:
    root: Path = files["root"]
    dataset = (await gql(CREATE, {"name": "pictures"}))["createDataset"]["id"]
    locations = {
        "relative": "street/scene.png",
        "absolute": str(root / "tall.jpg"),
        "alpha": "alpha.png",
        "remote": "https://images.example.org/cat.jpg",
        "none": None,
        "missing": "street/nowhere.png",
        "climb": "street/../../outside.png",
        "absolute-outside": str(files["outside"]),
        "escape": "escape.png",
        "broken": "broken.jpg",
        "other-scheme": "file:///etc/passwd",
    }
    rows = [{"referenceId": name, "imageLocation": location} for name, location in locations.items()]
    assert (await gql(APPEND, {"id": dataset, "items": rows}))["appendItems"] == {"new": len(rows)}
    edges = (await gql(ITEMS, {"id": dataset}))["dataset"]["items"]["edges"]
    return {edge["node"]["referenceId"]: edge["node"] for edge in edges}  # type: ignore[misc]


async def test_urls_point_at_the_routes_or_the_remote_image(items: dict[str, Any]) -> None:
    relative = items["relative"]
    assert relative["imageUrl"] == f"/images/{relative['id']}"
    assert relative["thumbnailUrl"] == f"/thumbnails/{relative['id']}?size=256"
    assert relative["large"] == f"/thumbnails/{relative['id']}?size=512"
    assert items["absolute"]["imageUrl"] == f"/images/{items['absolute']['id']}"
    remote = items["remote"]
    assert remote["imageUrl"] == remote["thumbnailUrl"] == "https://images.example.org/cat.jpg"
    for name in ("none", "climb", "absolute-outside", "other-scheme"):
        assert items[name]["imageUrl"] is None and items[name]["thumbnailUrl"] is None, name


async def test_thumbnail_url_refuses_other_sizes(
    client: httpx.AsyncClient, caller: Caller, items: dict[str, Any]
) -> None:
    query = {
        "query": "query($id: ID!) { node(id: $id) { ... on DatasetItem { thumbnailUrl(size: 300) } } }",
        "variables": {"id": items["relative"]["id"]},
    }
    body = (await client.post("/graphql", json=query, headers=caller.headers)).json()
    assert "size = 300: must be one of 128, 256, 512" in body["errors"][0]["message"]


async def test_the_owner_gets_the_files_bytes(
    client: httpx.AsyncClient, caller: Caller, items: dict[str, Any], files: dict[str, Any]
) -> None:
    for name, media_type in (("relative", "image/png"), ("absolute", "image/jpeg")):
        response = await client.get(items[name]["imageUrl"], headers=caller.headers)
        assert response.status_code == 200
        assert response.content == files[name]
        assert response.headers["content-type"] == media_type
        assert response.headers["cache-control"].startswith("private, max-age=")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "sandbox" in response.headers["content-security-policy"]


async def test_no_key_is_401_and_another_account_is_404(
    client: httpx.AsyncClient, make_caller: Callable[[str], Awaitable[Caller]], items: dict[str, Any]
) -> None:
    intruder = await make_caller("mallory")
    unknown = "/images/RGF0YXNldEl0ZW06OTk5OTk5"  # DatasetItem:999999
    for url in (items["relative"]["imageUrl"], items["relative"]["thumbnailUrl"]):
        assert (await client.get(url)).status_code == 401
        assert (await client.get(url, headers={"Authorization": "Bearer not-a-key"})).status_code == 401
        foreign = await client.get(url, headers=intruder.headers)
        missing = await client.get(unknown, headers=intruder.headers)
        assert foreign.status_code == missing.status_code == 404
        assert foreign.content == missing.content  # the same answer: nothing tells a foreign item from none


@pytest.mark.parametrize("name", ["climb", "absolute-outside", "escape", "missing", "remote", "none", "other-scheme"])
async def test_nothing_outside_the_root_is_served(
    client: httpx.AsyncClient, caller: Caller, items: dict[str, Any], name: str
) -> None:
    item_id = items[name]["id"]
    for url in (f"/images/{item_id}", f"/thumbnails/{item_id}?size=256"):
        response = await client.get(url, headers=caller.headers)
        assert response.status_code == 404, url
        assert response.headers["content-type"] == "application/json"


async def test_a_symlink_inside_the_root_is_followed(
    client: httpx.AsyncClient, caller: Caller, gql: GraphQL, files: dict[str, Any]
) -> None:
    root: Path = files["root"]
    (root / "link.png").symlink_to(root / "street" / "scene.png")
    dataset = (await gql(CREATE, {"name": "links"}))["createDataset"]["id"]
    await gql(APPEND, {"id": dataset, "items": [{"referenceId": "l", "imageLocation": "link.png"}]})
    (edge,) = (await gql(ITEMS, {"id": dataset}))["dataset"]["items"]["edges"]
    response = await client.get(edge["node"]["imageUrl"], headers=caller.headers)
    assert response.status_code == 200 and response.content == files["relative"]


async def _thumbnail(client: httpx.AsyncClient, caller: Caller, url: str) -> tuple[httpx.Response, Image.Image]:
    response = await client.get(url, headers=caller.headers)
    assert response.status_code == 200, response.text
    return response, Image.open(io.BytesIO(response.content))


async def test_thumbnails_fit_the_size_and_keep_the_aspect(
    client: httpx.AsyncClient, caller: Caller, items: dict[str, Any]
) -> None:
    response, small = await _thumbnail(client, caller, items["relative"]["thumbnailUrl"])
    assert small.format == "JPEG" and small.size == (256, 192)
    assert response.headers["content-type"] == "image/jpeg"
    assert response.headers["cache-control"].startswith("private, max-age=")
    red, green, blue = small.convert("RGB").getpixel((128, 96))  # type: ignore[misc]
    assert abs(red - 200) < 8 and green < 40 and blue < 40
    _, large = await _thumbnail(client, caller, items["relative"]["large"])
    assert large.size == (512, 384)
    _, tall = await _thumbnail(client, caller, items["absolute"]["thumbnailUrl"])
    assert tall.size == (85, 256)
    # Transparency survives as PNG; a small source is not enlarged.
    response, alpha = await _thumbnail(client, caller, items["alpha"]["thumbnailUrl"])
    assert response.headers["content-type"] == "image/png" and alpha.mode == "RGBA" and alpha.size == (100, 50)


async def test_bad_sizes_and_unreadable_images(
    client: httpx.AsyncClient, caller: Caller, items: dict[str, Any]
) -> None:
    item_id = items["relative"]["id"]
    for size in ("300", "abc", "-256", "9" * 5000):
        response = await client.get(f"/thumbnails/{item_id}?size={size}", headers=caller.headers)
        assert response.status_code == 400, size
        assert "size" in response.json()["errors"][0]["message"]
    broken = await client.get(items["broken"]["thumbnailUrl"], headers=caller.headers)
    assert broken.status_code == 415 and "not a readable image" in broken.json()["errors"][0]["message"]


async def test_a_cached_thumbnail_is_not_made_again(
    client: httpx.AsyncClient,
    caller: Caller,
    items: dict[str, Any],
    settings: Settings,
    files: dict[str, Any],
    cache: ThumbnailCache,
) -> None:
    url = items["relative"]["thumbnailUrl"]
    first, _ = await _thumbnail(client, caller, url)
    assert cache.renders == 1
    (made,) = [path for path in settings.thumbnails_dir().rglob("*") if path.is_file()]
    written = made.stat().st_mtime_ns
    again, _ = await _thumbnail(client, caller, url)
    assert cache.renders == 1 and made.stat().st_mtime_ns == written and again.content == first.content
    # A changed source makes a new thumbnail and removes the stale one.
    source: Path = files["root"] / "street" / "scene.png"
    _picture(source, (640, 320), (10, 200, 10))
    os.utime(source, ns=(written + 10**9, written + 10**9))
    _, changed = await _thumbnail(client, caller, url)
    assert cache.renders == 2 and changed.size == (256, 128)
    assert [path for path in settings.thumbnails_dir().rglob("*") if path.is_file()] != [made]
    assert len([path for path in settings.thumbnails_dir().rglob("*") if path.is_file()]) == 1


async def test_concurrent_requests_share_one_rendering(
    client: httpx.AsyncClient, caller: Caller, items: dict[str, Any], cache: ThumbnailCache
) -> None:
    url = items["absolute"]["large"]
    responses = await asyncio.gather(*(client.get(url, headers=caller.headers) for _ in range(8)))
    assert {response.status_code for response in responses} == {200}
    assert len({response.content for response in responses}) == 1
    assert cache.renders == 1


def test_a_root_behind_a_symlink_accepts_both_spellings(tmp_path: Path) -> None:
    real = tmp_path / "real"
    _picture(real / "x.png", (8, 8), (1, 2, 3))
    (tmp_path / "link").symlink_to(real)
    root = tmp_path / "link"
    for location in ("x.png", str(root / "x.png"), str(real / "x.png")):
        assert images.image_url("SXRlbTox", location, root) == "/images/SXRlbTox", location
        assert images.resolve_local(root, location) == (real / "x.png"), location
    for location in (str(tmp_path / "x.png"), "../real/x.png", str(real / ".." / "real" / "x.png")):
        assert images.image_url("SXRlbTox", location, root) is None, location
        assert images.resolve_local(root, location) is None, location
