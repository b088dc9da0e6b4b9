import { EvaluationHistoryQuery } from "../api/operations";
import { ErrorNote, Loading } from "../components/Status";
import { cocoStat, when } from "../format";
import { useQuery } from "../hooks";
import { Link, navigate, path, useSearchParams, withParams } from "../router";

const SHOWN = 50;
type Side = "base" | "other";

/** A radio of the compare picker; the choice lives in the URL (`base`, `other`), so a reload keeps it. */
function Pick({ side, evaluationId, chosen }: { side: Side; evaluationId: string; chosen: string | null }) {
  return (
    <input
      type="radio"
      name={`compare-${side}`}
      aria-label={`compare: ${side}`}
      checked={chosen === evaluationId}
      onChange={() => {
        navigate(withParams({ [side]: evaluationId }), { replace: true });
      }}
    />
  );
}

/**
 * Every kept evaluation of the dataset, newest first: current ones and those they superseded. Two of them (the same
 * dataset by construction) open the compare page.
 */
export function EvaluationHistory({ datasetId }: { datasetId: string }) {
  const { data, error } = useQuery(EvaluationHistoryQuery, { datasetId, first: SHOWN });
  const params = useSearchParams();
  const base = params.get("base");
  const other = params.get("other");
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="evaluations" />;
  const evaluations = data.evaluations.edges.map((edge) => edge.node);
  if (evaluations.length === 0) return <p className="muted">No evaluation yet: calculate one below.</p>;
  const ready = base !== null && other !== null && base !== other;
  return (
    <>
      <table className="data" data-testid="evaluation-history">
        <thead>
          <tr>
            <th title="compare: the base evaluation">base</th>
            <th title="compare: the other evaluation">other</th>
            <th>computed</th>
            <th>model</th>
            <th>matching</th>
            <th>state</th>
            <th className="num">COCO AP</th>
            <th className="num">AP50</th>
          </tr>
        </thead>
        <tbody>
          {evaluations.map((evaluation) => (
            <tr key={evaluation.id} data-current={evaluation.isCurrent} data-evaluation-id={evaluation.id}>
              <td>
                <Pick side="base" evaluationId={evaluation.id} chosen={base} />
              </td>
              <td>
                <Pick side="other" evaluationId={evaluation.id} chosen={other} />
              </td>
              <td>
                <Link to={path.evaluation(evaluation.id)}>{when(evaluation.completedAt ?? evaluation.createdAt)}</Link>
              </td>
              <td>{evaluation.model.name}</td>
              {/* Allowed pairs are on the evaluation's page: a list per row would cost the query its bound. */}
              <td>{evaluation.classAgnostic ? "class-agnostic" : "class-aware"}</td>
              <td>
                {evaluation.isCurrent ? "current" : "superseded"}
                {evaluation.isStale && <span className="badge stale">stale</span>}
              </td>
              <td className="num">{cocoStat(evaluation.coco.overall.ap)}</td>
              <td className="num">{cocoStat(evaluation.coco.overall.ap50)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="row">
        {ready ? (
          <Link className="button" to={path.compare(base, other)} data-testid="compare-link">
            Compare the two →
          </Link>
        ) : (
          <span className="muted">Pick a base and another evaluation to compare them.</span>
        )}
      </p>
    </>
  );
}
