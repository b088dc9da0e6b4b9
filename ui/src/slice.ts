/**
 * A slice: an equality on item metadata keys (`MatchFilter.itemMetadata`, `metrics(itemMetadata:)`), kept in the
 * URL's `meta` parameter as the JSON object the API takes. The API judges the values (JSON scalars only) and its
 * refusal is what the page shows; the UI only needs the parameter to be JSON.
 */

export const SLICE_PARAM = "meta";

export interface SliceState {
  /** The JSON value to send, or null for every item. */
  value: unknown;
  /** Why the URL's parameter cannot be read as JSON. */
  error: string | null;
}

export function sliceFromParams(params: URLSearchParams): SliceState {
  const raw = params.get(SLICE_PARAM);
  if (raw === null || raw.trim() === "") return { value: null, error: null };
  try {
    return { value: JSON.parse(raw) as unknown, error: null };
  } catch {
    return { value: null, error: `The URL's ${SLICE_PARAM}=${raw} is not JSON; the page shows every item.` };
  }
}

export function isPairs(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The URL parameter for these pairs: null (removed) when there are none. */
export function sliceParam(pairs: Record<string, unknown>): string | null {
  return Object.keys(pairs).length > 0 ? JSON.stringify(pairs) : null;
}

/** A typed value: JSON when it reads as JSON (`2`, `true`, `null`, `"2"`), otherwise the text itself as a string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function showValue(value: unknown): string {
  return JSON.stringify(value);
}
