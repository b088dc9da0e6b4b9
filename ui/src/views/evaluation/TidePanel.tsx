import { TideQuery } from "../../api/operations";
import { ErrorNote, Loading } from "../../components/Status";
import type { ErrorType, TideFieldsFragment, TideQuery as TideResult } from "../../gql/graphql";
import { fixed } from "../../format";
import { useQuery } from "../../hooks";
import { Link } from "../../router";
import { ERROR_TYPE_COLOURS } from "../../palette";
import { ERROR_TYPE_NAMES, ERROR_TYPES } from "../../vocabulary";
import { entriesLink, type EntryFilter } from "./links";

// TIDE's foreground threshold and no confidence threshold: the gallery's error types there are the bars' kind.
const TIDE_THRESHOLDS = { iou: 0.5, confidence: 0 };

/**
 * The gallery's entries of one error type (of one class: the prediction's, or a missed ground truth's), in a stable
 * order that follows TIDE's: false positives by confidence, highest first (TIDE's AP walks detections by score, so
 * those cost the most AP), missed ground truths by IoU, highest first (the nearest misses); ids break ties.
 */
function errorLink(evaluationId: string, type: ErrorType, meta: string | null, label?: string): string {
  // The entries behind the numbers: the whole evaluation's, or the slice's when they are a slice's.
  const filter: EntryFilter = { errorType: type, meta };
  if (type !== "MISSED") filter.sort = "conf";
  if (label !== undefined) {
    if (type === "MISSED") filter.gt = label;
    else filter.pred = label;
  }
  return entriesLink(evaluationId, TIDE_THRESHOLDS, filter);
}

function byType(errors: readonly TideFieldsFragment[]): Map<ErrorType, TideFieldsFragment> {
  return new Map(errors.map((error) => [error.type, error]));
}

interface Scope {
  evaluationId: string;
  /** The slice's JSON (the gallery's `meta`), null for the whole evaluation. */
  meta: string | null;
}

function Bars({ scope, errors }: { scope: Scope; errors: readonly TideFieldsFragment[] }) {
  const found = byType(errors);
  const largest = Math.max(1e-9, ...errors.map((error) => error.deltaAp));
  return (
    <ul className="tide-bars" data-testid="tide-bars">
      {ERROR_TYPES.map((type) => {
        const error = found.get(type) ?? { type, count: 0, deltaAp: 0 };
        return (
          <li key={type}>
            <Link
              to={errorLink(scope.evaluationId, type, scope.meta)}
              title={`the ${ERROR_TYPE_NAMES[type]} errors in the gallery (IoU 0.5)`}
              className="tide-bar"
              data-testid="tide-bar"
              data-type={type}
              data-count={error.count}
              data-delta-ap={error.deltaAp}
            >
              <span className="tide-name">{ERROR_TYPE_NAMES[type]}</span>
              <span className="tide-track">
                <span
                  className="tide-fill"
                  style={{ width: `${(100 * error.deltaAp) / largest}%`, background: ERROR_TYPE_COLOURS[type] }}
                />
              </span>
              <span className="num tide-delta">ΔAP {fixed(error.deltaAp, 2)}</span>
              <span className="num tide-count">{error.count}</span>
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

type Summary = Extract<NonNullable<TideResult["node"]>, { tide: unknown }>["tide"];

function PerClass({ scope, perClass }: { scope: Scope; perClass: Summary["perClass"] }) {
  return (
    <details>
      <summary>Per class (ΔAP, count)</summary>
      <div className="scroll-x">
        <table className="data compact" data-testid="tide-per-class">
          <thead>
            <tr>
              <th>class</th>
              <th className="num">AP50</th>
              {ERROR_TYPES.map((type) => (
                <th key={type} className="num">
                  {ERROR_TYPE_NAMES[type]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {perClass.map((row) => {
              const found = byType(row.errors);
              return (
                <tr key={row.label} data-label={row.label}>
                  <td>{row.label}</td>
                  <td className="num">{fixed(row.ap50, 2)}</td>
                  {ERROR_TYPES.map((type) => {
                    const error = found.get(type);
                    return (
                      <td key={type} className="num" data-type={type}>
                        {error && error.count > 0 ? (
                          <Link to={errorLink(scope.evaluationId, type, scope.meta, row.label)} data-testid="tide-class-link">
                            {`${fixed(error.deltaAp, 2)} (${error.count})`}
                          </Link>
                        ) : (
                          <span className="muted">·</span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** A slice's summary: its numbers once they came, or why they did not. */
export interface SliceTide {
  summary: Summary | undefined;
  error: string | null;
  /** The slice's JSON, as the page's URL holds it. */
  meta: string;
}

/**
 * TIDE's summary (tidecv's numbers): what fixing each error type would add to AP50, and how many there are; of the
 * slice's items alone when the page shows a slice (the whole evaluation's AP50 beside it).
 */
export function TidePanel({ evaluationId, slice }: { evaluationId: string; slice?: SliceTide }) {
  const { data, error } = useQuery(TideQuery, { id: evaluationId });
  const node = data?.node;
  const whole = node && "tide" in node ? node.tide : undefined;
  const summary = slice ? slice.summary : whole;
  const failure = slice ? slice.error : error;
  const scope: Scope = { evaluationId, meta: slice ? slice.meta : null };
  return (
    <div className="panel" data-testid="tide" data-scope={slice ? "slice" : "evaluation"}>
      <h2>{slice ? "Error types (TIDE) of the slice" : "Error types (TIDE)"}</h2>
      {failure && <ErrorNote error={failure} />}
      {!failure && !summary && <Loading what={slice ? "the slice's TIDE summary" : "the TIDE summary"} />}
      {summary && (
        <>
          <p className="muted">
            AP50 <strong data-testid="tide-ap50">{fixed(summary.ap50, 2)}</strong>
            {slice && whole && (
              <>
                {" "}
                (whole evaluation: <span data-testid="tide-whole-ap50">{fixed(whole.ap50, 2)}</span>; the slice&apos;s
                items evaluated alone)
              </>
            )}{" "}
            (tidecv: class-aware, IoU 0.5, background 0.1). Each bar: the AP50 points gained by fixing that error type,
            and its count; a click opens those entries at IoU 0.5 (the gallery types entries after matchscope&apos;s
            own matching, so its counts may differ a little from tidecv&apos;s).
          </p>
          <Bars scope={scope} errors={summary.errors} />
          <PerClass scope={scope} perClass={summary.perClass} />
        </>
      )}
    </div>
  );
}
