"""Issue #22's bad requests against a checkout's server, one at a time, with what each costs.

    .venv/bin/python bench/bounds.py CHECKOUT [--bomb]

serves CHECKOUT's code (its `matchscope` package first on the path) under uvicorn in a process of its own on a
fresh SQLite file, and prints for each request the answer, its time, a cheap query's time from another account
meanwhile, and the server's RSS. `--bomb` also sends the depth-9 nested list query (an unbounded server grows to
gigabytes on it: only give it a checkout with the cost bound). Run it on an old checkout (`git archive REV | tar
-x -C DIR`) and on this one in a row: the machine's load moves the times.
"""

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

import httpx
from graphql import get_introspection_query

ROOT = os.path.abspath(sys.argv[1])
PY = sys.executable
DB = os.path.join(tempfile.mkdtemp(prefix="matchscope-bounds-"), "bench.db")
env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}", "PYTHONPATH": ROOT, "PYTHONDONTWRITEBYTECODE": "1"}
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
port = sock.getsockname()[1]
sock.close()
code = f"import uvicorn; from matchscope.app import create_app; from matchscope.settings import Settings; uvicorn.run(create_app(Settings.from_env()), host='127.0.0.1', port={port}, log_level='warning')"
server = subprocess.Popen([PY, "-c", code], env=env, cwd=ROOT)
base = f"http://127.0.0.1:{port}"
while True:
    try:
        if httpx.get(base + "/healthz", timeout=1).status_code == 200:
            break
    except httpx.TransportError:
        time.sleep(0.2)


def key(name):
    out = subprocess.run(
        [PY, "-m", "matchscope", "keys", "create", "--account", name], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip().splitlines()[-1]


alice, bob = key("alice"), key("bob")


def rss() -> str:
    with open(f"/proc/{server.pid}/status") as file:
        lines = file.read().splitlines()

    def megabytes(key: str) -> int:
        return int(next(line for line in lines if line.startswith(key)).split()[1]) // 1024

    return f"RSS {megabytes('VmRSS:')} MB (peak {megabytes('VmHWM:')} MB)"


def H(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


CHEAP = "{ datasets(first: 1) { totalCount } }"


async def main():
    async with httpx.AsyncClient(base_url=base, timeout=600) as c:

        async def gql(q, v=None, k=alice):
            return (await c.post("/graphql", json={"query": q, "variables": v or {}}, headers=H(k))).json()

        async def cheap_while(coro, settle=0.3):
            task = asyncio.ensure_future(coro)
            await asyncio.wait({task}, timeout=settle)
            async with httpx.AsyncClient(base_url=base, timeout=600) as other:
                t = time.perf_counter()
                await other.post("/graphql", json={"query": CHEAP}, headers=H(bob))
                cheap = time.perf_counter() - t
            t = time.perf_counter()
            result = await task
            return result, cheap

        d = (await gql('mutation { createDataset(input: {name: "d"}) { ... on Dataset { id } } }'))["data"][
            "createDataset"
        ]["id"]
        await gql(
            'mutation($d: ID!) { appendItems(datasetId: $d, items: [{referenceId: "img.jpg"}]) { __typename } }',
            {"d": d},
        )
        boxes = [
            {
                "itemReferenceId": "img.jpg",
                "label": "cat",
                "x": float(i),
                "y": 0.0,
                "width": 5.0,
                "height": 5.0,
                "annotationId": f"a{i}",
            }
            for i in range(300)
        ]
        await gql(
            "mutation($d: ID!, $b: [BoxAnnotationInput!]!) { annotate(datasetId: $d, annotations: $b) { __typename } }",
            {"d": d, "b": boxes},
        )
        item = (
            await gql("query($d: ID!) { dataset(id: $d) { items(first: 1) { edges { node { id } } } } }", {"d": d})
        )["data"]["dataset"]["items"]["edges"][0]["node"]["id"]
        print("server after setup:", rss())
        # 1. list bomb (depth 9) -- only on the bounded code: on main it grew to 16.6 GB (issue #22)
        if "--bomb" in sys.argv:
            inner = "id"
            for _ in range(3):
                inner = f"annotations {{ item {{ {inner} }} }}"
            bomb = f"query($id: ID!) {{ node(id: $id) {{ ... on DatasetItem {{ {inner} }} }} }}"
            t = time.perf_counter()
            r, cheap = await cheap_while(
                c.post("/graphql", json={"query": bomb, "variables": {"id": item}}, headers=H(alice))
            )
            print(
                f"1 bomb depth 9: HTTP {r.status_code} in {time.perf_counter() - t:.3f} s, cheap query meanwhile {cheap:.3f} s; {rss()}; {r.json()['errors'][0]['message'][:110]}"
            )
        # 2. upload of 100,000 rows
        rows = [
            {
                "itemReferenceId": "img.jpg",
                "label": "cat",
                "x": float(i),
                "y": 0.0,
                "width": 1.0,
                "height": 1.0,
                "confidence": 0.5,
            }
            for i in range(100_000)
        ]
        m = (await gql('mutation { createModel(input: {name: "m", referenceId: "m"}) { ... on Model { id } } }'))[
            "data"
        ]["createModel"]["id"]
        body = json.dumps(
            {
                "query": "mutation($d: ID!, $m: ID!, $b: [BoxPredictionInput!]!) { uploadPredictions(datasetId: $d, modelId: $m, predictions: $b) { __typename ... on ValidationError { message } ... on UploadResult { new } } }",
                "variables": {"d": d, "m": m, "b": rows},
            }
        )
        t = time.perf_counter()
        r, cheap = await cheap_while(
            c.post("/graphql", content=body, headers={**H(alice), "content-type": "application/json"})
        )
        print(
            f"2 upload of 100,000 rows ({len(body) / 1e6:.1f} MB): HTTP {r.status_code} in {time.perf_counter() - t:.2f} s, cheap query meanwhile {cheap:.3f} s; {rss()}; {r.text[:160]}"
        )
        # 3. body over the cap (33 MB declared; and chunked)
        big = b'{"query": "{ __typename }", "pad": "' + b"x" * (40 * 1024 * 1024) + b'"}'
        t = time.perf_counter()
        try:
            r = await c.post("/graphql", content=big, headers={**H(alice), "content-type": "application/json"})
            print(
                f"3 40 MiB body, Content-Length: HTTP {r.status_code} in {time.perf_counter() - t:.2f} s: {r.text[:120]}"
            )
        except httpx.HTTPError as e:
            print(f"3 40 MiB body, Content-Length: {type(e).__name__} {e} after {time.perf_counter() - t:.2f} s")

        async def chunks():
            for i in range(0, len(big), 1 << 20):
                yield big[i : i + (1 << 20)]

        t = time.perf_counter()
        try:
            r = await c.post("/graphql", content=chunks(), headers={**H(alice), "content-type": "application/json"})
            print(
                f"3 40 MiB body, chunked: HTTP {r.status_code} in {time.perf_counter() - t:.2f} s: {r.text[:120]}; {rss()}"
            )
        except httpx.HTTPError as e:
            print(f"3 40 MiB body, chunked: {type(e).__name__} {e} after {time.perf_counter() - t:.2f} s")
        # 4. introspection flood
        full = get_introspection_query(descriptions=True)
        for label, q in (("trivial", CHEAP), ("introspection", full)):
            limits = httpx.Limits(max_connections=100)
            async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as flood:
                t = time.perf_counter()
                reqs = [
                    asyncio.ensure_future(flood.post("/graphql", json={"query": q}, headers=H(alice)))
                    for _ in range(100)
                ]
                await asyncio.sleep(0.2)
                async with httpx.AsyncClient(base_url=base, timeout=600) as other:
                    t1 = time.perf_counter()
                    await other.post("/graphql", json={"query": CHEAP}, headers=H(bob))
                    cheap = time.perf_counter() - t1
                await asyncio.gather(*reqs)
                print(
                    f"4 flood of 100 {label} queries: cheap query meanwhile {cheap:.3f} s, flood done in {time.perf_counter() - t:.2f} s"
                )
        # 5. numbers
        raw = json.dumps(
            {
                "query": "mutation($d: ID!, $b: [BoxAnnotationInput!]!) { annotate(datasetId: $d, annotations: $b) { __typename ... on ValidationError { message } } }",
                "variables": {
                    "d": d,
                    "b": [
                        {
                            "itemReferenceId": "img.jpg",
                            "label": "c",
                            "x": 1.0,
                            "y": 1.0,
                            "width": 123.5,
                            "height": 1.0,
                            "annotationId": "k1",
                        }
                    ],
                },
            }
        )
        r = await c.post(
            "/graphql", content=raw.replace("123.5", "NaN"), headers={**H(alice), "content-type": "application/json"}
        )
        print(f"5 NaN width in the JSON body: HTTP {r.status_code}: {r.text[:200]}")
        r = await gql(
            "mutation($d: ID!, $b: [BoxAnnotationInput!]!) { annotate(datasetId: $d, annotations: $b) { __typename ... on ValidationError { message } } }",
            {
                "d": d,
                "b": [
                    {
                        "itemReferenceId": "img.jpg",
                        "label": "c",
                        "x": 1e308,
                        "y": 1.0,
                        "width": 1e308,
                        "height": 1.0,
                        "annotationId": "k2",
                    }
                ],
            },
        )
        print(f"5 x = 1e308, width = 1e308: {json.dumps(r)[:220]}")
        # 6. wording of a refused read
        r = await gql("{ datasets(first: 500) { totalCount } }")
        print(f"6 refused read: {r['errors'][0]['message']}")
        print("401 challenge:", (await c.post("/graphql", json={"query": CHEAP})).headers.get("www-authenticate"))


asyncio.run(main())
server.terminate()
server.wait()
