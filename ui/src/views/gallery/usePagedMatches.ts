import { request } from "../../api/client";
import { MatchesQuery } from "../../api/operations";
import type { MatchesQuery as MatchesResult, MatchesQueryVariables } from "../../gql/graphql";
import { pageOf, usePaged } from "../../paging";

type Connection = Extract<NonNullable<MatchesResult["node"]>, { matches: unknown }>["matches"];
export type Entry = Connection["edges"][number]["node"];

export const PAGE_SIZE = 40;

/** Entries page by page on the keyset cursors; a new filter starts over. */
export function usePagedMatches(variables: Omit<MatchesQueryVariables, "first" | "after">) {
  const key = JSON.stringify(variables);
  const pages = usePaged(key, async (after) => {
    const result = await request(MatchesQuery, { ...variables, first: PAGE_SIZE, after });
    const node = result.node;
    if (!node || !("matches" in node)) throw new Error("No such evaluation is visible with this key.");
    return pageOf(node.matches);
  });
  return { ...pages, entries: pages.nodes };
}
