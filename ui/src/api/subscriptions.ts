import { createClient, type Client } from "graphql-ws";
import type { TypedDocumentString } from "../gql/graphql";
import { reportUnauthorized } from "./client";
import { bearer, getKey } from "./key";

let client: Client | null = null;
let clientKey: string | null = null;

const UNAUTHORIZED_CLOSE_CODES = new Set([4401, 4403]);

function socketClient(): Client {
  const key = getKey();
  if (client === null || clientKey !== key) {
    void client?.dispose();
    clientKey = key;
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    client = createClient({
      url: `${scheme}://${window.location.host}/graphql`,
      connectionParams: () => ({ Authorization: bearer() }),
      retryAttempts: 3,
      on: {
        closed: (event) => {
          const code = (event as CloseEvent | undefined)?.code;
          if (code !== undefined && UNAUTHORIZED_CLOSE_CODES.has(code)) {
            reportUnauthorized("The server refused this API key on the websocket. Paste a valid key.");
          }
        },
      },
    });
  }
  return client;
}

export interface Sink<Result> {
  next: (data: Result) => void;
  error: (message: string) => void;
  complete: () => void;
}

/** graphql-transport-ws over the page's own origin; returns the unsubscribe function. */
export function subscribe<Result, Variables extends Record<string, unknown>>(
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  sink: Sink<Result>,
): () => void {
  return socketClient().subscribe<Result>(
    { query: document.toString(), variables },
    {
      next: (value) => {
        if (value.errors && value.errors.length > 0) sink.error(value.errors.map((e) => e.message).join("; "));
        else if (value.data) sink.next(value.data);
      },
      error: (error: unknown) => {
        sink.error(error instanceof Error ? error.message : messageOf(error));
      },
      complete: sink.complete,
    },
  );
}

function messageOf(error: unknown): string {
  if (Array.isArray(error)) return error.map((e) => (e as { message?: string }).message ?? String(e)).join("; ");
  if (error instanceof CloseEvent) return `connection closed (${error.code} ${error.reason})`;
  return "subscription failed";
}
