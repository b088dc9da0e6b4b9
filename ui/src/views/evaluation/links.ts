import type { Thresholds } from "../../components/Thresholds";
import { path } from "../../router";

export interface EntryFilter {
  outcome?: string;
  gt?: string;
  pred?: string;
  minIou?: number;
  maxIou?: number;
  item?: string;
  errorType?: string;
  review?: string;
}

/** The gallery's URL for entries at these thresholds under a filter. */
export function entriesLink(evaluationId: string, thresholds: Thresholds, filter: EntryFilter): string {
  const params = new URLSearchParams({ iou: String(thresholds.iou), conf: String(thresholds.confidence) });
  for (const [name, value] of Object.entries(filter)) {
    if (value !== undefined) params.set(name, String(value));
  }
  return `${path.entries(evaluationId)}?${params.toString()}`;
}
