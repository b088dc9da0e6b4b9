import { lazy, Suspense, useDeferredValue } from "react";
import { EvaluationQuery, MetricsQuery, SliceResultsQuery } from "../../api/operations";
import { ErrorNote, Loading } from "../../components/Status";
import { SliceFilter } from "../../components/SliceFilter";
import { ThresholdSliders, useThresholds } from "../../components/Thresholds";
import { when } from "../../format";
import { useQuery } from "../../hooks";
import { Link, path, useSearchParams } from "../../router";
import { SLICE_PARAM, sliceFromParams } from "../../slice";
import { entriesLink } from "./links";
import { JobBanner } from "./JobBanner";
import { ClassTable } from "./ClassTable";
import { CocoSummary } from "./CocoSummary";
import { ConfusionMatrix } from "./ConfusionMatrix";
import { ItemsWithMostErrors } from "./ItemsWithMostErrors";
import { Overall } from "./Overall";
import { ReviewCounts } from "./ReviewCounts";
import { TidePanel } from "./TidePanel";

const Charts = lazy(() => import("./Charts"));

export function EvaluationView({ evaluationId }: { evaluationId: string }) {
  const thresholds = useThresholds();
  const params = useSearchParams();
  const jobId = params.get("job");
  const slice = sliceFromParams(params);
  const details = useQuery(EvaluationQuery, { id: evaluationId });
  const metricsState = useQuery(MetricsQuery, {
    id: evaluationId,
    iou: thresholds.iou,
    confidence: thresholds.confidence,
    itemMetadata: slice.value,
  });
  const sliceResults = useQuery(
    SliceResultsQuery,
    { id: evaluationId, itemMetadata: slice.value },
    { skip: slice.value === null },
  );
  // A refused slice leaves the last answer in place: it is not this page's, so it is not shown.
  const metricsNode = metricsState.error ? undefined : metricsState.data?.node;
  const metrics = metricsNode && "metrics" in metricsNode ? metricsNode.metrics : undefined;
  // The charts are the slowest part to draw: numbers and tables update first, charts when React has time.
  const chartMetrics = useDeferredValue(metrics);
  if (details.error) return <ErrorNote error={details.error} />;
  if (!details.data) return <Loading what="the evaluation" />;
  const evaluation = details.data.node;
  if (evaluation?.__typename !== "Evaluation") return <ErrorNote error={`No evaluation ${evaluationId} is visible with this key.`} />;
  const galleryLink = entriesLink(evaluationId, thresholds, {});
  // The slice's results while they are this slice's (the last slice's stay in place while the next one computes).
  const sliceNode = sliceResults.loading || sliceResults.error ? undefined : sliceResults.data?.node;
  const sliceOf = sliceNode && "coco" in sliceNode ? sliceNode : undefined;
  const sliceMeta = params.get(SLICE_PARAM);
  return (
    <section data-testid="evaluation">
      <h1>
        {evaluation.model.name} on <Link to={path.dataset(evaluation.dataset.id)}>{evaluation.dataset.name}</Link>
      </h1>
      <p className="muted">
        {evaluation.classAgnostic ? "class-agnostic matching" : "class-aware matching"}
        {evaluation.allowedLabelMatches.length > 0 &&
          ` · allowed pairs: ${evaluation.allowedLabelMatches.map((p) => `${p.groundTruthLabel}→${p.modelPredictionLabel}`).join(", ")}`}
        {" · "}computed {when(evaluation.completedAt ?? evaluation.createdAt)}
        {evaluation.isCurrent ? " · current" : " · superseded"}
        {evaluation.isStale && <span className="badge stale">stale: data changed since</span>}
      </p>
      {jobId && <JobBanner jobId={jobId} />}
      <div className="sticky-bar">
        <ThresholdSliders iou={thresholds.iou} confidence={thresholds.confidence} />
        {metrics && <Overall counts={metrics.overall} />}
        <Link className="button" to={galleryLink}>
          Browse entries →
        </Link>
        {metricsState.loading && <span className="muted" data-testid="metrics-loading">updating…</span>}
      </div>
      <SliceFilter slice={slice} datasetId={evaluation.dataset.id} />
      {slice.error && <ErrorNote error={slice.error} />}
      {slice.value !== null && !metricsState.error && (
        <p className="muted" data-testid="slice-note">
          Of the slice: the counts, reviews, items with most errors, per-class P/R/F1, confusion matrix, histograms, the
          COCO summary&apos;s first column and TIDE (its items evaluated alone). Of the whole evaluation: the COCO
          summary&apos;s second column, the AP columns and PR curves.
        </p>
      )}
      {metricsState.error && <ErrorNote error={metricsState.error} />}
      {metrics ? (
        <div
          data-testid="metrics"
          data-iou={metrics.iouThreshold}
          data-confidence={metrics.confidenceThreshold}
        >
          <div className="grid-2">
            <CocoSummary
              overall={evaluation.coco.overall}
              slice={
                slice.value === null ? undefined : { overall: sliceOf?.coco.overall, error: sliceResults.error }
              }
            />
            <ItemsWithMostErrors evaluationId={evaluationId} items={metrics.itemsWithMostErrors} thresholds={thresholds} />
          </div>
          <TidePanel
            evaluationId={evaluationId}
            slice={
              slice.value === null || sliceMeta === null
                ? undefined
                : { summary: sliceOf?.tide, error: sliceResults.error, meta: sliceMeta }
            }
          />
          <ReviewCounts
            evaluationId={evaluationId}
            reviews={metrics.reviews}
            thresholds={thresholds}
            labelErrorsFile={`label-errors-${evaluation.model.referenceId}-${evaluation.dataset.name}.json`}
          />
          <ClassTable evaluationId={evaluationId} metrics={metrics} coco={evaluation.coco} thresholds={thresholds} />
          <ConfusionMatrix evaluationId={evaluationId} matrix={metrics.confusionMatrix} thresholds={thresholds} />
          <Suspense fallback={<Loading what="charts" />}>
            <Charts evaluationId={evaluationId} metrics={chartMetrics ?? metrics} />
          </Suspense>
        </div>
      ) : (
        !metricsState.error && <Loading what="metrics" />
      )}
    </section>
  );
}
