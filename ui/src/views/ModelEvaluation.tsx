import { CurrentEvaluationQuery } from "../api/operations";
import { fixed, cocoStat, when } from "../format";
import { useQuery } from "../hooks";
import { Link, path } from "../router";

interface ModelRow {
  id: string;
  name: string;
  referenceId: string;
}

export function ModelEvaluation({ datasetId, model }: { datasetId: string; model: ModelRow }) {
  const { data, error } = useQuery(CurrentEvaluationQuery, { datasetId, modelId: model.id });
  const evaluation = data?.evaluation;
  const name = (
    <td>
      {model.name} <span className="muted">({model.referenceId})</span>
    </td>
  );
  if (error)
    return (
      <tr>
        {name}
        <td colSpan={8} className="error">
          {error}
        </td>
      </tr>
    );
  if (!data || !evaluation)
    return (
      <tr>
        {name}
        <td colSpan={8} className="muted">
          {data ? "not evaluated yet" : "…"}
        </td>
      </tr>
    );
  const overall = evaluation.metrics.overall;
  const matching = evaluation.classAgnostic
    ? "class-agnostic"
    : `class-aware${evaluation.allowedLabelMatches.length ? ` + ${evaluation.allowedLabelMatches.length} pairs` : ""}`;
  return (
    <tr data-model={model.name}>
      {name}
      <td>
        <Link to={path.evaluation(evaluation.id)}>open</Link>
        {evaluation.isStale && (
          <span className="badge stale" title="Annotations or predictions changed after it was computed">
            stale
          </span>
        )}
      </td>
      <td>{matching}</td>
      <td className="num">{fixed(overall.precision)}</td>
      <td className="num">{fixed(overall.recall)}</td>
      <td className="num">{fixed(overall.f1)}</td>
      <td className="num">{cocoStat(evaluation.coco.overall.ap)}</td>
      <td className="num">{cocoStat(evaluation.coco.overall.ap50)}</td>
      <td>{when(evaluation.completedAt ?? evaluation.createdAt)}</td>
    </tr>
  );
}
