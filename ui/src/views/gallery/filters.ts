import type { MatchFilter, MatchOrder, MatchOutcome } from "../../gql/graphql";
import { parseOptionalNumber } from "../../format";
import { sliceFromParams } from "../../slice";
import { isErrorType, isReviewStatus } from "../../vocabulary";

export const OUTCOMES: MatchOutcome[] = ["TRUE_POSITIVE", "FALSE_POSITIVE", "FALSE_NEGATIVE"];
export const OUTCOME_SHORT: Record<MatchOutcome, string> = {
  TRUE_POSITIVE: "TP",
  FALSE_POSITIVE: "FP",
  FALSE_NEGATIVE: "FN",
};

function isOutcome(value: string): value is MatchOutcome {
  return (OUTCOMES as string[]).includes(value);
}

function list(raw: string | null): string[] | null {
  const values = (raw ?? "").split(",").filter((value) => value !== "");
  return values.length > 0 ? values : null;
}

function listOf<Value extends string>(raw: string | null, accept: (value: string) => value is Value): Value[] | null {
  const values = list(raw)?.filter(accept) ?? [];
  return values.length > 0 ? values : null;
}

/**
 * The gallery's filter and order as the URL holds them (`outcome`, `gt`, `pred`, `minIou`…, `item`, `review`,
 * `errorType`, `meta`; `sort=conf` orders by confidence instead of IoU, `order=asc` lowest first; ids break ties).
 */
export function filterFromParams(params: URLSearchParams): { filter: MatchFilter; order: MatchOrder } {
  const filter: MatchFilter = {
    outcomes: listOf(params.get("outcome"), isOutcome),
    groundTruthLabels: list(params.get("gt")),
    predictionLabels: list(params.get("pred")),
    minIou: parseOptionalNumber(params.get("minIou")),
    maxIou: parseOptionalNumber(params.get("maxIou")),
    minConfidence: parseOptionalNumber(params.get("minConf")),
    maxConfidence: parseOptionalNumber(params.get("maxConf")),
    itemId: params.get("item"),
    reviewStatuses: listOf(params.get("review"), isReviewStatus),
    errorTypes: listOf(params.get("errorType"), isErrorType),
    itemMetadata: sliceFromParams(params).value,
  };
  const order: MatchOrder = {
    field: params.get("sort") === "conf" ? "CONFIDENCE" : "IOU",
    direction: params.get("order") === "asc" ? "ASC" : "DESC",
  };
  return { filter, order };
}
