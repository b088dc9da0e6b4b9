import { useCallback, useEffect, useRef, useState } from "react";

/** One page of a Relay connection, its nodes taken out of their edges. */
export interface Page<Node> {
  nodes: Node[];
  totalCount: number;
  endCursor: string | null;
  hasNextPage: boolean;
}

interface Connection<Node> {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
  edges: readonly { node: Node }[];
}

export function pageOf<Node>(connection: Connection<Node>): Page<Node> {
  return {
    nodes: connection.edges.map((edge) => edge.node),
    totalCount: connection.totalCount,
    endCursor: connection.pageInfo.endCursor ?? null,
    hasNextPage: connection.pageInfo.hasNextPage,
  };
}

export interface Pages<Node> {
  nodes: Node[];
  totalCount: number | null;
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  error: string | null;
}

function empty<Node>(): Pages<Node> {
  return { nodes: [], totalCount: null, endCursor: null, hasNextPage: true, loading: false, error: null };
}

/**
 * A connection read page by page on its keyset cursors. `key` names the query (its variables): a new key starts
 * over, and answers to an older key are dropped.
 */
export function usePaged<Node>(key: string, fetchPage: (after: string | null) => Promise<Page<Node>>) {
  const [pages, setPages] = useState<Pages<Node>>(empty);
  // The pages as last set, not as last rendered: a page that has arrived moves the cursor at once, so that a
  // request made before the next render (the observer, a key) asks for the page after it, not for it again.
  const current = useRef({ busy: false, pages });
  const latestFetch = useRef(fetchPage);
  latestFetch.current = fetchPage;

  const commit = useCallback((next: Pages<Node>) => {
    current.current.pages = next;
    setPages(next);
  }, []);

  const loadMore = useCallback(() => {
    const state = current.current;
    if (state.busy || !state.pages.hasNextPage || state.pages.error) return;
    state.busy = true;
    commit({ ...state.pages, loading: true });
    latestFetch
      .current(state.pages.endCursor)
      .then((page) => {
        if (current.current !== state) return; // a new key started over
        const previous = state.pages;
        state.busy = false;
        commit({
          nodes: [...previous.nodes, ...page.nodes],
          totalCount: page.totalCount,
          endCursor: page.endCursor,
          hasNextPage: page.hasNextPage,
          loading: false,
          error: null,
        });
      })
      .catch((failure: unknown) => {
        if (current.current !== state) return;
        state.busy = false;
        const message = failure instanceof Error ? failure.message : String(failure);
        commit({ ...state.pages, loading: false, error: message });
      });
  }, [commit]);

  useEffect(() => {
    current.current = { busy: false, pages: empty() };
    setPages(empty());
    loadMore();
  }, [key, loadMore]);

  return { ...pages, loadMore };
}

/**
 * A ref callback for the element after a list: when it comes within 600 px of the viewport, the next page loads.
 * Held in state, because the sentinel may appear only after a header has loaded, and the observer must follow it.
 */
export function useInfiniteScroll(loadMore: () => void, shown: number): (element: HTMLElement | null) => void {
  const [sentinel, setSentinel] = useState<HTMLElement | null>(null);
  useEffect(() => {
    if (!sentinel) return;
    const observer = new IntersectionObserver(
      (records) => {
        if (records.some((record) => record.isIntersecting)) loadMore();
      },
      { rootMargin: "600px" },
    );
    observer.observe(sentinel);
    return () => {
      observer.disconnect();
    };
  }, [sentinel, loadMore, shown]);
  return setSentinel;
}
