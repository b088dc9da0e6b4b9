import { CompareQuery } from "../../api/operations";
import { ErrorNote, Loading } from "../../components/Status";
import { ThresholdSliders, useThresholds } from "../../components/Thresholds";
import type { FlipKind } from "../../gql/graphql";
import { when } from "../../format";
import { useQuery } from "../../hooks";
import { Link, path, useSearchParams, withParams } from "../../router";
import { CompareTable } from "./CompareTable";
import { FLIP_KINDS, FlipList } from "./FlipList";
import type { Comparison } from "./types";

function kindsFrom(raw: string | null): FlipKind[] | null {
  const kinds = FLIP_KINDS.filter((kind) => (raw ?? "").split(",").includes(kind));
  return kinds.length > 0 ? kinds : null;
}

function Side({ name, evaluation }: { name: string; evaluation: Comparison["base"] | Comparison["other"] }) {
  return (
    <div className="stat compare-side" data-testid={`compare-${name}`}>
      <div className="label">{name}</div>
      <div>
        <Link to={path.evaluation(evaluation.id)}>{evaluation.model.name}</Link>
      </div>
      <div className="label">
        {when(evaluation.completedAt ?? evaluation.createdAt)} · {evaluation.classAgnostic ? "class-agnostic" : "class-aware"}
        {evaluation.isCurrent ? "" : " · superseded"}
      </div>
    </div>
  );
}

/** Two evaluations of one dataset (`/compare?base=…&other=…`): per-class numbers with deltas, then the flips. */
export function CompareView() {
  const params = useSearchParams();
  const baseId = params.get("base") ?? "";
  const otherId = params.get("other") ?? "";
  const kinds = kindsFrom(params.get("kinds"));
  const thresholds = useThresholds();
  const { data, error, loading } = useQuery(
    CompareQuery,
    { baseId, otherId, iou: thresholds.iou, confidence: thresholds.confidence },
    { skip: baseId === "" || otherId === "" },
  );
  if (baseId === "" || otherId === "") return <ErrorNote error="Pick two evaluations on a dataset's page to compare them." />;
  if (error) return <ErrorNote error={error} />;
  if (!data) return <Loading what="the comparison" />;
  const comparison = data.compareEvaluations;
  if (comparison.__typename !== "EvaluationComparison") return <ErrorNote error={comparison.message} />;
  return (
    <section data-testid="compare">
      <h1>
        Compare on <Link to={path.dataset(comparison.base.dataset.id)}>{comparison.base.dataset.name}</Link>
      </h1>
      <div className="row">
        <Side name="base" evaluation={comparison.base} />
        <Link to={withParams({ base: otherId, other: baseId })} className="button" title="swap base and other">
          ⇄ swap
        </Link>
        <Side name="other" evaluation={comparison.other} />
      </div>
      <div className="sticky-bar">
        <ThresholdSliders iou={thresholds.iou} confidence={thresholds.confidence} />
        {loading && <span className="muted">updating…</span>}
      </div>
      <CompareTable rows={comparison.metrics} />
      <FlipList baseId={baseId} otherId={otherId} thresholds={thresholds} kinds={kinds} zoom={params.get("zoom") === "1"} />
    </section>
  );
}
