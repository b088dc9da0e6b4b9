import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "../../api/client";
import { MatchesQuery } from "../../api/operations";
import type { MatchesQuery as MatchesResult, MatchesQueryVariables } from "../../gql/graphql";

type Connection = Extract<NonNullable<MatchesResult["node"]>, { matches: unknown }>["matches"];
export type Entry = Connection["edges"][number]["node"];

interface Pages {
  entries: Entry[];
  totalCount: number | null;
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  error: string | null;
}

const EMPTY: Pages = { entries: [], totalCount: null, endCursor: null, hasNextPage: true, loading: false, error: null };
export const PAGE_SIZE = 40;

/** Entries page by page on the keyset cursors; a new filter starts over. */
export function usePagedMatches(variables: Omit<MatchesQueryVariables, "first" | "after">) {
  const key = JSON.stringify(variables);
  const [pages, setPages] = useState<Pages>(EMPTY);
  const current = useRef({ key, busy: false, pages });
  current.current.pages = pages;

  const loadMore = useCallback(() => {
    const state = current.current;
    if (state.busy || !state.pages.hasNextPage || state.pages.error) return;
    state.busy = true;
    const requestedKey = state.key;
    setPages((previous) => ({ ...previous, loading: true }));
    request(MatchesQuery, { ...(JSON.parse(requestedKey) as typeof variables), first: PAGE_SIZE, after: state.pages.endCursor })
      .then((result) => {
        if (current.current.key !== requestedKey) return;
        // Not busy before the new tiles render: the observer re-created then may ask for the next page at once.
        current.current.busy = false;
        const node = result.node;
        if (!node || !("matches" in node)) throw new Error("No such evaluation is visible with this key.");
        const connection = node.matches;
        setPages((previous) => ({
          entries: [...previous.entries, ...connection.edges.map((edge) => edge.node)],
          totalCount: connection.totalCount,
          endCursor: connection.pageInfo.endCursor ?? null,
          hasNextPage: connection.pageInfo.hasNextPage,
          loading: false,
          error: null,
        }));
      })
      .catch((failure: unknown) => {
        if (current.current.key !== requestedKey) return;
        current.current.busy = false;
        const message = failure instanceof Error ? failure.message : String(failure);
        setPages((previous) => ({ ...previous, loading: false, error: message }));
      });
  }, []);

  useEffect(() => {
    current.current = { key, busy: false, pages: EMPTY };
    setPages(EMPTY);
    loadMore();
  }, [key, loadMore]);

  return { ...pages, loadMore };
}
