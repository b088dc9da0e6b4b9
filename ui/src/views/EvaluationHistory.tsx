import { EvaluationHistoryQuery } from "../api/operations";
import { ErrorNote, Loading } from "../components/Status";
import { cocoStat, when } from "../format";
import { useQuery } from "../hooks";
import { Link, path } from "../router";

const SHOWN = 50;

/** Every kept evaluation of the dataset, newest first: current ones and those they superseded. */
export function EvaluationHistory({ datasetId }: { datasetId: string }) {
  const { data, error } = useQuery(EvaluationHistoryQuery, { datasetId, first: SHOWN });
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="evaluations" />;
  const evaluations = data.evaluations.edges.map((edge) => edge.node);
  if (evaluations.length === 0) return <p className="muted">No evaluation yet: calculate one below.</p>;
  return (
    <table className="data" data-testid="evaluation-history">
      <thead>
        <tr>
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
          <tr key={evaluation.id} data-current={evaluation.isCurrent}>
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
  );
}
