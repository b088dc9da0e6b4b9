import type { Thresholds } from "../../components/Thresholds";
import { path } from "../../router";
import { SLICE_PARAM } from "../../slice";

export interface EntryFilter {
  outcome?: string;
  gt?: string;
  pred?: string;
  minIou?: number;
  maxIou?: number;
  item?: string;
  errorType?: string;
  review?: string;
  /** A slice's JSON; absent: the current page's slice, null: none. */
  meta?: string | null;
  /** "conf": by confidence instead of IoU (the gallery's `sort`). */
  sort?: string;
}

/** The gallery's URL for entries at these thresholds under a filter. */
export function entriesLink(evaluationId: string, thresholds: Thresholds, filter: EntryFilter): string {
  const params = new URLSearchParams({ iou: String(thresholds.iou), conf: String(thresholds.confidence) });
  // A link from a page of a slice opens the slice's entries, as its numbers count them.
  const slice = new URLSearchParams(window.location.search).get(SLICE_PARAM);
  if (slice !== null && !("meta" in filter)) params.set(SLICE_PARAM, slice);
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined && value !== null) params.set(name, String(value));
  }
  return `${path.entries(evaluationId)}?${params.toString()}`;
}
