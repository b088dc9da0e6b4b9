import { ItemMetadataSampleQuery } from "../api/operations";
import { useQuery } from "../hooks";
import { isPairs, showValue } from "../slice";

/** Metadata keys seen on a sample of items, each with its values as the slice form takes them (JSON text). */
export type Suggestions = Map<string, string[]>;

// A value is offered as what to type: a string bare when it does not read as JSON itself, otherwise quoted.
function typed(value: unknown): string {
  if (typeof value !== "string") return showValue(value);
  try {
    JSON.parse(value);
    return showValue(value);
  } catch {
    return value;
  }
}

export function suggestionsOf(metadata: readonly unknown[]): Suggestions {
  const found = new Map<string, Set<string>>();
  for (const each of metadata) {
    if (!isPairs(each)) continue;
    for (const [key, value] of Object.entries(each)) {
      if (typeof value === "object" && value !== null) continue; // a slice compares scalars only
      const values = found.get(key) ?? new Set<string>();
      values.add(typed(value));
      found.set(key, values);
    }
  }
  return new Map([...found].sort(([a], [b]) => a.localeCompare(b)).map(([key, values]) => [key, [...values].sort()]));
}

/** The first 100 items' metadata keys and values, read once `enabled` (the form is in use). */
export function useSliceSuggestions(datasetId: string, enabled: boolean): Suggestions {
  const { data } = useQuery(ItemMetadataSampleQuery, { id: datasetId }, { skip: !enabled });
  return suggestionsOf(data?.dataset?.items.edges.map((edge) => edge.node.metadata) ?? []);
}
