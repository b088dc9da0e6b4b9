"""Catalog details of the contract: unique dataset names, counts on every connection, ids typed ID, offsets on
every timestamp."""

from __future__ import annotations

from datetime import datetime

from tests.conftest import Caller, GraphQL

CREATE = """mutation($name: String!) { createDataset(input: {name: $name}) {
  __typename ... on Dataset { id name } ... on ValidationError { message field } } }"""


async def test_a_taken_dataset_name_is_refused_naming_the_existing_dataset(
    gql: GraphQL, make_caller: object, caller: Caller
) -> None:
    first = (await gql(CREATE, {"name": "val2017"}))["createDataset"]
    assert first["__typename"] == "Dataset"
    again = (await gql(CREATE, {"name": "val2017"}))["createDataset"]
    assert again["__typename"] == "ValidationError"
    assert again["field"] == "name"
    assert first["id"] in again["message"] and "val2017" in again["message"]
    listed = await gql("{ datasets(first: 10) { totalCount edges { node { name } } } }")
    assert listed["datasets"]["totalCount"] == 1
    # Names are per account: another account may use it.
    other = await make_caller("bob")  # type: ignore[operator]
    theirs = (await gql(CREATE, {"name": "val2017"}, as_=other))["createDataset"]
    assert theirs["__typename"] == "Dataset"


async def test_datasets_and_models_connections_count_only_the_callers_rows(gql: GraphQL, make_caller: object) -> None:
    for name in ("a", "b", "c"):
        await gql(CREATE, {"name": name})
    await gql('mutation { createModel(input: {name: "m", referenceId: "m-1"}) { __typename } }')
    other = await make_caller("bob")  # type: ignore[operator]
    await gql(CREATE, {"name": "theirs"}, as_=other)
    counts = await gql("{ datasets(first: 1) { totalCount edges { node { id } } } models { totalCount } }")
    assert counts["datasets"]["totalCount"] == 3
    assert len(counts["datasets"]["edges"]) == 1
    assert counts["models"]["totalCount"] == 1


async def test_not_found_ids_share_the_id_type_with_every_other_id(gql: GraphQL) -> None:
    dataset = (await gql(CREATE, {"name": "d"}))["createDataset"]
    # Both union members select `id` under one name: valid only when both are ID! (String! would not merge).
    delete = """mutation($id: ID!) { deleteDataset(id: $id) {
      __typename ... on DeleteResult { id deletedRows } ... on NotFoundError { id kind } } }"""
    gone = (await gql(delete, {"id": dataset["id"]}))["deleteDataset"]
    assert gone["__typename"] == "DeleteResult" and gone["id"] == dataset["id"]
    again = (await gql(delete, {"id": dataset["id"]}))["deleteDataset"]
    assert again == {"__typename": "NotFoundError", "id": dataset["id"], "kind": "Dataset"}


async def test_every_timestamp_carries_its_utc_offset(gql: GraphQL) -> None:
    await gql(CREATE, {"name": "d"})
    await gql('mutation { createModel(input: {name: "m", referenceId: "m-1"}) { __typename } }')
    result = await gql("{ datasets { edges { node { createdAt } } } models { edges { node { createdAt } } } }")
    stamps = [edge["node"]["createdAt"] for edge in result["datasets"]["edges"] + result["models"]["edges"]]
    assert len(stamps) == 2
    for stamp in stamps:
        parsed = datetime.fromisoformat(stamp)
        assert parsed.utcoffset() is not None and parsed.utcoffset().total_seconds() == 0, stamp
