import type { TypedDocumentString } from "../gql/graphql";
import { bearer, clearKey, getKey } from "./key";

export class ApiError extends Error {}

type Unauthorized = (message: string) => void;
const unauthorizedListeners = new Set<Unauthorized>();

/** Called when the server refuses the key (401): the app goes back to the key prompt. */
export function onUnauthorized(listener: Unauthorized): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export function reportUnauthorized(message: string): void {
  clearKey();
  for (const listener of unauthorizedListeners) listener(message);
}

interface GraphQLResponse<Result> {
  data?: Result | null;
  errors?: { message: string }[];
}

export async function request<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  signal?: AbortSignal,
): Promise<Result> {
  if (getKey() === null) {
    reportUnauthorized("Enter your API key.");
    throw new ApiError("no API key");
  }
  const response = await fetch("/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", Authorization: bearer() },
    body: JSON.stringify({ query: document.toString(), variables }),
    signal: signal ?? null,
  });
  if (response.status === 401) {
    reportUnauthorized("The server refused this API key (401 Unauthorized). Paste a valid key.");
    throw new ApiError("401 Unauthorized");
  }
  if (!response.ok) throw new ApiError(`The server answered ${response.status} ${response.statusText}`);
  const body = (await response.json()) as GraphQLResponse<Result>;
  if (body.errors && body.errors.length > 0) throw new ApiError(body.errors.map((error) => error.message).join("; "));
  if (body.data == null) throw new ApiError("The server returned no data");
  return body.data;
}
