/* schema-sha256: 16578dc46f4680581ab0c25184a0720d8052f0ac7be0bc76310dab44b759b983 */
/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AllowedLabelMatchInput = {
  groundTruthLabel: string;
  modelPredictionLabel: string;
};

/** TIDE error type (Bolya et al. 2020), in tidecv's order: CLASSIFICATION (right box, wrong class), LOCALIZATION (right class, IoU between the background threshold 0.1 and the foreground threshold), BOTH, DUPLICATE (the ground truth is already another prediction's true positive), BACKGROUND (IoU ≤ 0.1 with every ground truth), MISSED (a ground truth no error would fix). */
export type ErrorType =
  | 'BACKGROUND'
  | 'BOTH'
  | 'CLASSIFICATION'
  | 'DUPLICATE'
  | 'LOCALIZATION'
  | 'MISSED';

/** Omitted classAgnostic means true, unless allowedLabelMatches is given. */
export type EvaluationOptionsInput = {
  allowedLabelMatches?: Array<AllowedLabelMatchInput> | null | undefined;
  classAgnostic?: boolean | null | undefined;
};

/** Per ground truth: FIXED = a false negative in base, a true positive in other; BROKEN = the reverse. */
export type FlipKind =
  | 'BROKEN'
  | 'FIXED';

/** QUEUED → RUNNING → COMPLETED, ERRORED or CANCELLED. */
export type JobStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'ERRORED'
  | 'QUEUED'
  | 'RUNNING';

/** Every condition given must hold. Confidence bounds read null as 1. */
export type MatchFilter = {
  /** Entries of these error types at the query's thresholds (none of an evaluation computed before error types existed). */
  errorTypes?: Array<ErrorType> | null | undefined;
  groundTruthLabels?: Array<string> | null | undefined;
  itemId?: string | number | null | undefined;
  /** A slice: entries of items whose metadata has each of these keys with that value, e.g. {"weather": "rain", "camera": 2} (JSON scalars, compared with their type; null: present and null). */
  itemMetadata?: unknown;
  maxConfidence?: number | null | undefined;
  maxIou?: number | null | undefined;
  minConfidence?: number | null | undefined;
  minIou?: number | null | undefined;
  outcomes?: Array<MatchOutcome> | null | undefined;
  predictionLabels?: Array<string> | null | undefined;
  /** UNREVIEWED: entries without a review. */
  reviewStatuses?: Array<ReviewStatus> | null | undefined;
};

/** Sort key; ids break ties in the same direction. CONFIDENCE reads null as 1. */
export type MatchOrder = {
  direction?: OrderDirection;
  field?: MatchOrderField;
};

export type MatchOrderField =
  | 'CONFIDENCE'
  | 'IOU';

/** The outcome of an entry at the query's IoU and confidence thresholds. */
export type MatchOutcome =
  | 'FALSE_NEGATIVE'
  | 'FALSE_POSITIVE'
  | 'TRUE_POSITIVE';

export type OrderDirection =
  | 'ASC'
  | 'DESC';

/** A reviewer's verdict on an entry, kept across re-evaluations of the same dataset and model: it belongs to the entry's ground truth and prediction (by annotationId), so a kept pair's two entries share it. UNREVIEWED is no review: `Match.review` is null. */
export type ReviewStatus =
  | 'CONFIRMED'
  | 'IGNORED'
  | 'LABEL_ERROR'
  | 'UNREVIEWED';

export type DatasetsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type DatasetsQuery = { datasets: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, name: string, itemCount: number, annotationCount: number, labels: Array<string>, createdAt: string } }> } };

export type DatasetQueryVariables = Exact<{
  id: string | number;
  itemsFirst: number;
  itemsAfter?: string | null | undefined;
}>;


export type DatasetQuery = { dataset: { id: string, name: string, itemCount: number, annotationCount: number, labels: Array<string>, createdAt: string, items: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { id: string, referenceId: string, imageLocation: string | null, width: number | null, height: number | null, thumbnailUrl: string | null } }> } } | null, models: { edges: Array<{ node: { id: string, name: string, referenceId: string, createdAt: string } }> } };

export type CurrentEvaluationQueryVariables = Exact<{
  datasetId: string | number;
  modelId: string | number;
}>;


export type CurrentEvaluationQuery = { evaluation: { id: string, isCurrent: boolean, isStale: boolean, classAgnostic: boolean, createdAt: string, completedAt: string | null, allowedLabelMatches: Array<{ groundTruthLabel: string, modelPredictionLabel: string }>, metrics: { overall: { precision: number, recall: number, f1: number } }, coco: { overall: { ap: number, ap50: number } } } | null };

export type ItemMetadataSampleQueryVariables = Exact<{
  id: string | number;
}>;


export type ItemMetadataSampleQuery = { dataset: { id: string, items: { totalCount: number, edges: Array<{ node: { metadata: unknown } }> } } | null };

export type LabelErrorsQueryVariables = Exact<{
  id: string | number;
  after?: string | null | undefined;
}>;


export type LabelErrorsQuery = { node:
    | { id: string, labelErrors: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { coco: unknown } }> } }
    | Record<PropertyKey, never>
   | null };

export type CalculateMutationVariables = Exact<{
  datasetId: string | number;
  modelId: string | number;
  options?: EvaluationOptionsInput | null | undefined;
}>;


export type CalculateMutation = { calculateEvaluationMetrics:
    | { __typename: 'AsyncJob', id: string, status: JobStatus }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string, field: string | null, errors: Array<{ field: string, value: string, message: string }> }
   };

export type JobFieldsFragment = { id: string, status: JobStatus, progress: number, completedSteps: number, totalSteps: number, message: string | null, errors: Array<string>, createdAt: string, startedAt: string | null, finishedAt: string | null, evaluation: { id: string } | null };

export type JobQueryVariables = Exact<{
  id: string | number;
}>;


export type JobQuery = { job: { id: string, status: JobStatus, progress: number, completedSteps: number, totalSteps: number, message: string | null, errors: Array<string>, createdAt: string, startedAt: string | null, finishedAt: string | null, evaluation: { id: string } | null } | null };

export type JobUpdatesSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type JobUpdatesSubscription = { jobUpdates: { id: string, status: JobStatus, progress: number, completedSteps: number, totalSteps: number, message: string | null, errors: Array<string>, createdAt: string, startedAt: string | null, finishedAt: string | null, evaluation: { id: string } | null } };

export type CancelJobMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelJobMutation = { cancelJob:
    | { __typename: 'AsyncJob', id: string, status: JobStatus }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type EvaluationQueryVariables = Exact<{
  id: string | number;
}>;


export type EvaluationQuery = { node:
    | { __typename: 'AsyncJob' }
    | { __typename: 'BoxAnnotation' }
    | { __typename: 'BoxPrediction' }
    | { __typename: 'Dataset' }
    | { __typename: 'DatasetItem' }
    | { __typename: 'Evaluation', id: string, isCurrent: boolean, isStale: boolean, classAgnostic: boolean, createdAt: string, completedAt: string | null, allowedLabelMatches: Array<{ groundTruthLabel: string, modelPredictionLabel: string }>, dataset: { id: string, name: string, labels: Array<string> }, model: { id: string, name: string, referenceId: string }, coco: { overall: { ap: number, ap50: number, ap75: number, apSmall: number, apMedium: number, apLarge: number, ar1: number, ar10: number, ar100: number, arSmall: number, arMedium: number, arLarge: number }, perClass: Array<{ label: string, stats: { ap: number, ap50: number, ap75: number } }> } }
    | { __typename: 'Match' }
    | { __typename: 'Model' }
   | null };

export type MetricsQueryVariables = Exact<{
  id: string | number;
  iou: number;
  confidence: number;
  itemMetadata?: unknown;
}>;


export type MetricsQuery = { node:
    | { id: string, metrics: { iouThreshold: number, confidenceThreshold: number, overall: { truePositives: number, falsePositives: number, falseNegatives: number, precision: number, recall: number, f1: number }, perClass: Array<{ label: string, groundTruthCount: number, predictionCount: number, counts: { truePositives: number, falsePositives: number, falseNegatives: number, precision: number, recall: number, f1: number } }>, confusionMatrix: { rowLabels: Array<string>, columnLabels: Array<string>, counts: Array<Array<number>> }, matchedIouHistogram: { binEdges: Array<number>, counts: Array<number> }, truePositiveConfidenceHistogram: { binEdges: Array<number>, counts: Array<number> }, falsePositiveConfidenceHistogram: { binEdges: Array<number>, counts: Array<number> }, reviews: Array<{ status: ReviewStatus, truePositives: number, falsePositives: number, falseNegatives: number, total: number }>, itemsWithMostErrors: { totalCount: number, edges: Array<{ node: { falsePositives: number, falseNegatives: number, errors: number, item: { id: string, referenceId: string } } }> } } }
    | Record<PropertyKey, never>
   | null };

type BoxFields_BoxAnnotation_Fragment = { id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number };

type BoxFields_BoxPrediction_Fragment = { id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number };

export type BoxFieldsFragment =
  | BoxFields_BoxAnnotation_Fragment
  | BoxFields_BoxPrediction_Fragment
;

export type ReviewFieldsFragment = { status: ReviewStatus, note: string | null, updatedAt: string };

export type ReviewMatchMutationVariables = Exact<{
  id: string | number;
  status: ReviewStatus;
  note?: string | null | undefined;
  iou: number;
  confidence: number;
}>;


export type ReviewMatchMutation = { reviewMatch:
    | { __typename: 'Match', id: string, review: { status: ReviewStatus, note: string | null, updatedAt: string } | null }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type MatchesQueryVariables = Exact<{
  id: string | number;
  iou: number;
  confidence: number;
  filter?: MatchFilter | null | undefined;
  orderBy: MatchOrder;
  first: number;
  after?: string | null | undefined;
}>;


export type MatchesQuery = { node:
    | { id: string, matches: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, outcome: MatchOutcome, iou: number, groundTruthLabel: string | null, predictionLabel: string | null, confidence: number | null, errorType: ErrorType | null, item: { id: string, referenceId: string, width: number | null, height: number | null, thumbnailUrl: string | null, imageUrl: string | null }, groundTruth: { id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number } | null, prediction: { confidence: number | null, id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number } | null, review: { status: ReviewStatus, note: string | null, updatedAt: string } | null, nearestGroundTruth: { iou: number, groundTruth: { id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number } } | null } }> } }
    | Record<PropertyKey, never>
   | null };

export type EvaluationHeaderQueryVariables = Exact<{
  id: string | number;
}>;


export type EvaluationHeaderQuery = { node:
    | { id: string, isStale: boolean, dataset: { id: string, name: string, labels: Array<string> }, model: { id: string, name: string } }
    | Record<PropertyKey, never>
   | null };

export type ItemQueryVariables = Exact<{
  itemId: string | number;
  modelId: string | number;
  evaluationId: string | number;
  iou: number;
  confidence: number;
}>;


export type ItemQuery = { node:
    | { __typename: 'AsyncJob' }
    | { __typename: 'BoxAnnotation' }
    | { __typename: 'BoxPrediction' }
    | { __typename: 'Dataset' }
    | { __typename: 'DatasetItem', id: string, referenceId: string, width: number | null, height: number | null, imageUrl: string | null, annotations: Array<{ iscrowd: boolean, id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number }>, predictions: Array<{ confidence: number | null, id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number }>, entries: Array<{ id: string, outcome: MatchOutcome, iou: number, groundTruthLabel: string | null, predictionLabel: string | null, confidence: number | null, errorType: ErrorType | null, groundTruth: { id: string } | null, prediction: { id: string } | null, review: { status: ReviewStatus, note: string | null, updatedAt: string } | null, nearestGroundTruth: { iou: number, groundTruth: { id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number } } | null }> }
    | { __typename: 'Evaluation' }
    | { __typename: 'Match' }
    | { __typename: 'Model' }
   | null };

export type EvaluationHistoryQueryVariables = Exact<{
  datasetId: string | number;
  first: number;
}>;


export type EvaluationHistoryQuery = { evaluations: { totalCount: number, edges: Array<{ node: { id: string, isCurrent: boolean, isStale: boolean, classAgnostic: boolean, createdAt: string, completedAt: string | null, model: { id: string, name: string }, coco: { overall: { ap: number, ap50: number } } } }> } };

export type PrCurvesQueryVariables = Exact<{
  id: string | number;
}>;


export type PrCurvesQuery = { node:
    | { id: string, coco: { prCurves: Array<{ label: string, recall: Array<number>, iou50: Array<number>, iou75: Array<number>, mean: Array<number> }> } }
    | Record<PropertyKey, never>
   | null };

export type TideFieldsFragment = { type: ErrorType, count: number, deltaAp: number };

export type TideQueryVariables = Exact<{
  id: string | number;
}>;


export type TideQuery = { node:
    | { id: string, tide: { ap50: number, errors: Array<{ type: ErrorType, count: number, deltaAp: number }>, perClass: Array<{ label: string, ap50: number, errors: Array<{ type: ErrorType, count: number, deltaAp: number }> }> } }
    | Record<PropertyKey, never>
   | null };

export type SliceResultsQueryVariables = Exact<{
  id: string | number;
  itemMetadata: unknown;
}>;


export type SliceResultsQuery = { node:
    | { id: string, coco: { overall: { ap: number, ap50: number, ap75: number, apSmall: number, apMedium: number, apLarge: number, ar1: number, ar10: number, ar100: number, arSmall: number, arMedium: number, arLarge: number } }, tide: { ap50: number, errors: Array<{ type: ErrorType, count: number, deltaAp: number }>, perClass: Array<{ label: string, ap50: number, errors: Array<{ type: ErrorType, count: number, deltaAp: number }> }> } }
    | Record<PropertyKey, never>
   | null };

export type ComparedSideFieldsFragment = { groundTruthCount: number, predictionCount: number, ap: number | null, ap50: number | null, counts: { truePositives: number, falsePositives: number, falseNegatives: number, precision: number, recall: number, f1: number } };

export type CompareQueryVariables = Exact<{
  baseId: string | number;
  otherId: string | number;
  iou: number;
  confidence: number;
}>;


export type CompareQuery = { compareEvaluations:
    | { __typename: 'EvaluationComparison', base: { id: string, createdAt: string, completedAt: string | null, classAgnostic: boolean, isCurrent: boolean, dataset: { id: string, name: string }, model: { id: string, name: string } }, other: { id: string, createdAt: string, completedAt: string | null, classAgnostic: boolean, isCurrent: boolean, model: { id: string, name: string } }, metrics: Array<{ label: string | null, base: { groundTruthCount: number, predictionCount: number, ap: number | null, ap50: number | null, counts: { truePositives: number, falsePositives: number, falseNegatives: number, precision: number, recall: number, f1: number } }, other: { groundTruthCount: number, predictionCount: number, ap: number | null, ap50: number | null, counts: { truePositives: number, falsePositives: number, falseNegatives: number, precision: number, recall: number, f1: number } }, delta: { truePositives: number, falsePositives: number, falseNegatives: number, precision: number, recall: number, f1: number, ap: number | null, ap50: number | null } }> }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export type FlipSideFieldsFragment = { id: string, outcome: MatchOutcome, iou: number, confidence: number | null, prediction: { confidence: number | null, id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number } | null };

export type FlipsQueryVariables = Exact<{
  baseId: string | number;
  otherId: string | number;
  iou: number;
  confidence: number;
  kinds?: Array<FlipKind> | FlipKind | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type FlipsQuery = { compareEvaluations:
    | { __typename: 'EvaluationComparison', flips: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ node: { kind: FlipKind, groundTruth: { id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number }, item: { id: string, referenceId: string, width: number | null, height: number | null, thumbnailUrl: string | null, imageUrl: string | null }, base: { id: string, outcome: MatchOutcome, iou: number, confidence: number | null, prediction: { confidence: number | null, id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number } | null }, other: { id: string, outcome: MatchOutcome, iou: number, confidence: number | null, prediction: { confidence: number | null, id: string, annotationId: string, label: string, x: number, y: number, width: number, height: number } | null } } }> } }
    | { __typename: 'NotFoundError', message: string }
    | { __typename: 'ValidationError', message: string }
   };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const JobFieldsFragmentDoc = new TypedDocumentString(`
    fragment JobFields on AsyncJob {
  id
  status
  progress
  completedSteps
  totalSteps
  message
  errors
  createdAt
  startedAt
  finishedAt
  evaluation {
    id
  }
}
    `, {"fragmentName":"JobFields"}) as unknown as TypedDocumentString<JobFieldsFragment, unknown>;
export const ReviewFieldsFragmentDoc = new TypedDocumentString(`
    fragment ReviewFields on Review {
  status
  note
  updatedAt
}
    `, {"fragmentName":"ReviewFields"}) as unknown as TypedDocumentString<ReviewFieldsFragment, unknown>;
export const TideFieldsFragmentDoc = new TypedDocumentString(`
    fragment TideFields on TideError {
  type
  count
  deltaAp
}
    `, {"fragmentName":"TideFields"}) as unknown as TypedDocumentString<TideFieldsFragment, unknown>;
export const ComparedSideFieldsFragmentDoc = new TypedDocumentString(`
    fragment ComparedSideFields on ComparedSide {
  groundTruthCount
  predictionCount
  counts {
    truePositives
    falsePositives
    falseNegatives
    precision
    recall
    f1
  }
  ap
  ap50
}
    `, {"fragmentName":"ComparedSideFields"}) as unknown as TypedDocumentString<ComparedSideFieldsFragment, unknown>;
export const BoxFieldsFragmentDoc = new TypedDocumentString(`
    fragment BoxFields on Box {
  id
  annotationId
  label
  x
  y
  width
  height
}
    `, {"fragmentName":"BoxFields"}) as unknown as TypedDocumentString<BoxFieldsFragment, unknown>;
export const FlipSideFieldsFragmentDoc = new TypedDocumentString(`
    fragment FlipSideFields on Match {
  id
  outcome
  iou
  confidence
  prediction {
    ...BoxFields
    confidence
  }
}
    fragment BoxFields on Box {
  id
  annotationId
  label
  x
  y
  width
  height
}`, {"fragmentName":"FlipSideFields"}) as unknown as TypedDocumentString<FlipSideFieldsFragment, unknown>;
export const DatasetsDocument = new TypedDocumentString(`
    query Datasets($first: Int!, $after: String) {
  datasets(first: $first, after: $after) {
    totalCount
    pageInfo {
      hasNextPage
      endCursor
    }
    edges {
      node {
        id
        name
        itemCount
        annotationCount
        labels
        createdAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetsQuery, DatasetsQueryVariables>;
export const DatasetDocument = new TypedDocumentString(`
    query Dataset($id: ID!, $itemsFirst: Int!, $itemsAfter: String) {
  dataset(id: $id) {
    id
    name
    itemCount
    annotationCount
    labels
    createdAt
    items(first: $itemsFirst, after: $itemsAfter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        node {
          id
          referenceId
          imageLocation
          width
          height
          thumbnailUrl(size: 128)
        }
      }
    }
  }
  models(first: 100) {
    edges {
      node {
        id
        name
        referenceId
        createdAt
      }
    }
  }
}
    `) as unknown as TypedDocumentString<DatasetQuery, DatasetQueryVariables>;
export const CurrentEvaluationDocument = new TypedDocumentString(`
    query CurrentEvaluation($datasetId: ID!, $modelId: ID!) {
  evaluation(datasetId: $datasetId, modelId: $modelId) {
    id
    isCurrent
    isStale
    classAgnostic
    createdAt
    completedAt
    allowedLabelMatches {
      groundTruthLabel
      modelPredictionLabel
    }
    metrics {
      overall {
        precision
        recall
        f1
      }
    }
    coco {
      overall {
        ap
        ap50
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CurrentEvaluationQuery, CurrentEvaluationQueryVariables>;
export const ItemMetadataSampleDocument = new TypedDocumentString(`
    query ItemMetadataSample($id: ID!) {
  dataset(id: $id) {
    id
    items(first: 100) {
      totalCount
      edges {
        node {
          metadata
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ItemMetadataSampleQuery, ItemMetadataSampleQueryVariables>;
export const LabelErrorsDocument = new TypedDocumentString(`
    query LabelErrors($id: ID!, $after: String) {
  node(id: $id) {
    ... on Evaluation {
      id
      labelErrors(first: 100, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            coco
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LabelErrorsQuery, LabelErrorsQueryVariables>;
export const CalculateDocument = new TypedDocumentString(`
    mutation Calculate($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {
  calculateEvaluationMetrics(
    datasetId: $datasetId
    modelId: $modelId
    options: $options
  ) {
    __typename
    ... on AsyncJob {
      id
      status
    }
    ... on ValidationError {
      message
      field
      errors {
        field
        value
        message
      }
    }
    ... on NotFoundError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<CalculateMutation, CalculateMutationVariables>;
export const JobDocument = new TypedDocumentString(`
    query Job($id: ID!) {
  job(id: $id) {
    ...JobFields
  }
}
    fragment JobFields on AsyncJob {
  id
  status
  progress
  completedSteps
  totalSteps
  message
  errors
  createdAt
  startedAt
  finishedAt
  evaluation {
    id
  }
}`) as unknown as TypedDocumentString<JobQuery, JobQueryVariables>;
export const JobUpdatesDocument = new TypedDocumentString(`
    subscription JobUpdates($id: ID!) {
  jobUpdates(id: $id) {
    ...JobFields
  }
}
    fragment JobFields on AsyncJob {
  id
  status
  progress
  completedSteps
  totalSteps
  message
  errors
  createdAt
  startedAt
  finishedAt
  evaluation {
    id
  }
}`) as unknown as TypedDocumentString<JobUpdatesSubscription, JobUpdatesSubscriptionVariables>;
export const CancelJobDocument = new TypedDocumentString(`
    mutation CancelJob($id: ID!) {
  cancelJob(id: $id) {
    __typename
    ... on AsyncJob {
      id
      status
    }
    ... on ValidationError {
      message
    }
    ... on NotFoundError {
      message
    }
  }
}
    `) as unknown as TypedDocumentString<CancelJobMutation, CancelJobMutationVariables>;
export const EvaluationDocument = new TypedDocumentString(`
    query Evaluation($id: ID!) {
  node(id: $id) {
    __typename
    ... on Evaluation {
      id
      isCurrent
      isStale
      classAgnostic
      createdAt
      completedAt
      allowedLabelMatches {
        groundTruthLabel
        modelPredictionLabel
      }
      dataset {
        id
        name
        labels
      }
      model {
        id
        name
        referenceId
      }
      coco {
        overall {
          ap
          ap50
          ap75
          apSmall
          apMedium
          apLarge
          ar1
          ar10
          ar100
          arSmall
          arMedium
          arLarge
        }
        perClass {
          label
          stats {
            ap
            ap50
            ap75
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<EvaluationQuery, EvaluationQueryVariables>;
export const MetricsDocument = new TypedDocumentString(`
    query Metrics($id: ID!, $iou: Float!, $confidence: Float!, $itemMetadata: JSON) {
  node(id: $id) {
    ... on Evaluation {
      id
      metrics(
        iouThreshold: $iou
        confidenceThreshold: $confidence
        itemMetadata: $itemMetadata
      ) {
        iouThreshold
        confidenceThreshold
        overall {
          truePositives
          falsePositives
          falseNegatives
          precision
          recall
          f1
        }
        perClass {
          label
          groundTruthCount
          predictionCount
          counts {
            truePositives
            falsePositives
            falseNegatives
            precision
            recall
            f1
          }
        }
        confusionMatrix {
          rowLabels
          columnLabels
          counts
        }
        matchedIouHistogram {
          binEdges
          counts
        }
        truePositiveConfidenceHistogram {
          binEdges
          counts
        }
        falsePositiveConfidenceHistogram {
          binEdges
          counts
        }
        reviews {
          status
          truePositives
          falsePositives
          falseNegatives
          total
        }
        itemsWithMostErrors(first: 10) {
          totalCount
          edges {
            node {
              falsePositives
              falseNegatives
              errors
              item {
                id
                referenceId
              }
            }
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MetricsQuery, MetricsQueryVariables>;
export const ReviewMatchDocument = new TypedDocumentString(`
    mutation ReviewMatch($id: ID!, $status: ReviewStatus!, $note: String, $iou: Float!, $confidence: Float!) {
  reviewMatch(
    id: $id
    status: $status
    note: $note
    iouThreshold: $iou
    confidenceThreshold: $confidence
  ) {
    __typename
    ... on Match {
      id
      review {
        ...ReviewFields
      }
    }
    ... on ValidationError {
      message
    }
    ... on NotFoundError {
      message
    }
  }
}
    fragment ReviewFields on Review {
  status
  note
  updatedAt
}`) as unknown as TypedDocumentString<ReviewMatchMutation, ReviewMatchMutationVariables>;
export const MatchesDocument = new TypedDocumentString(`
    query Matches($id: ID!, $iou: Float!, $confidence: Float!, $filter: MatchFilter, $orderBy: MatchOrder!, $first: Int!, $after: String) {
  node(id: $id) {
    ... on Evaluation {
      id
      matches(
        iouThreshold: $iou
        confidenceThreshold: $confidence
        filter: $filter
        orderBy: $orderBy
        first: $first
        after: $after
      ) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          cursor
          node {
            id
            outcome
            iou
            groundTruthLabel
            predictionLabel
            confidence
            item {
              id
              referenceId
              width
              height
              thumbnailUrl(size: 256)
              imageUrl
            }
            groundTruth {
              ...BoxFields
            }
            prediction {
              ...BoxFields
              confidence
            }
            review {
              ...ReviewFields
            }
            errorType
            nearestGroundTruth {
              iou
              groundTruth {
                ...BoxFields
              }
            }
          }
        }
      }
    }
  }
}
    fragment BoxFields on Box {
  id
  annotationId
  label
  x
  y
  width
  height
}
fragment ReviewFields on Review {
  status
  note
  updatedAt
}`) as unknown as TypedDocumentString<MatchesQuery, MatchesQueryVariables>;
export const EvaluationHeaderDocument = new TypedDocumentString(`
    query EvaluationHeader($id: ID!) {
  node(id: $id) {
    ... on Evaluation {
      id
      isStale
      dataset {
        id
        name
        labels
      }
      model {
        id
        name
      }
    }
  }
}
    `) as unknown as TypedDocumentString<EvaluationHeaderQuery, EvaluationHeaderQueryVariables>;
export const ItemDocument = new TypedDocumentString(`
    query Item($itemId: ID!, $modelId: ID!, $evaluationId: ID!, $iou: Float!, $confidence: Float!) {
  node(id: $itemId) {
    __typename
    ... on DatasetItem {
      id
      referenceId
      width
      height
      imageUrl
      annotations {
        ...BoxFields
        iscrowd
      }
      predictions(modelId: $modelId) {
        ...BoxFields
        confidence
      }
      entries(
        evaluationId: $evaluationId
        iouThreshold: $iou
        confidenceThreshold: $confidence
      ) {
        id
        outcome
        iou
        groundTruthLabel
        predictionLabel
        confidence
        groundTruth {
          id
        }
        prediction {
          id
        }
        review {
          ...ReviewFields
        }
        errorType
        nearestGroundTruth {
          iou
          groundTruth {
            ...BoxFields
          }
        }
      }
    }
  }
}
    fragment BoxFields on Box {
  id
  annotationId
  label
  x
  y
  width
  height
}
fragment ReviewFields on Review {
  status
  note
  updatedAt
}`) as unknown as TypedDocumentString<ItemQuery, ItemQueryVariables>;
export const EvaluationHistoryDocument = new TypedDocumentString(`
    query EvaluationHistory($datasetId: ID!, $first: Int!) {
  evaluations(datasetId: $datasetId, first: $first) {
    totalCount
    edges {
      node {
        id
        isCurrent
        isStale
        classAgnostic
        createdAt
        completedAt
        model {
          id
          name
        }
        coco {
          overall {
            ap
            ap50
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<EvaluationHistoryQuery, EvaluationHistoryQueryVariables>;
export const PrCurvesDocument = new TypedDocumentString(`
    query PrCurves($id: ID!) {
  node(id: $id) {
    ... on Evaluation {
      id
      coco {
        prCurves {
          label
          recall
          iou50
          iou75
          mean
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<PrCurvesQuery, PrCurvesQueryVariables>;
export const TideDocument = new TypedDocumentString(`
    query Tide($id: ID!) {
  node(id: $id) {
    ... on Evaluation {
      id
      tide {
        ap50
        errors {
          ...TideFields
        }
        perClass {
          label
          ap50
          errors {
            ...TideFields
          }
        }
      }
    }
  }
}
    fragment TideFields on TideError {
  type
  count
  deltaAp
}`) as unknown as TypedDocumentString<TideQuery, TideQueryVariables>;
export const SliceResultsDocument = new TypedDocumentString(`
    query SliceResults($id: ID!, $itemMetadata: JSON!) {
  node(id: $id) {
    ... on Evaluation {
      id
      coco(itemMetadata: $itemMetadata) {
        overall {
          ap
          ap50
          ap75
          apSmall
          apMedium
          apLarge
          ar1
          ar10
          ar100
          arSmall
          arMedium
          arLarge
        }
      }
      tide(itemMetadata: $itemMetadata) {
        ap50
        errors {
          ...TideFields
        }
        perClass {
          label
          ap50
          errors {
            ...TideFields
          }
        }
      }
    }
  }
}
    fragment TideFields on TideError {
  type
  count
  deltaAp
}`) as unknown as TypedDocumentString<SliceResultsQuery, SliceResultsQueryVariables>;
export const CompareDocument = new TypedDocumentString(`
    query Compare($baseId: ID!, $otherId: ID!, $iou: Float!, $confidence: Float!) {
  compareEvaluations(baseId: $baseId, otherId: $otherId) {
    __typename
    ... on EvaluationComparison {
      base {
        id
        createdAt
        completedAt
        classAgnostic
        isCurrent
        dataset {
          id
          name
        }
        model {
          id
          name
        }
      }
      other {
        id
        createdAt
        completedAt
        classAgnostic
        isCurrent
        model {
          id
          name
        }
      }
      metrics(iouThreshold: $iou, confidenceThreshold: $confidence) {
        label
        base {
          ...ComparedSideFields
        }
        other {
          ...ComparedSideFields
        }
        delta {
          truePositives
          falsePositives
          falseNegatives
          precision
          recall
          f1
          ap
          ap50
        }
      }
    }
    ... on ValidationError {
      message
    }
    ... on NotFoundError {
      message
    }
  }
}
    fragment ComparedSideFields on ComparedSide {
  groundTruthCount
  predictionCount
  counts {
    truePositives
    falsePositives
    falseNegatives
    precision
    recall
    f1
  }
  ap
  ap50
}`) as unknown as TypedDocumentString<CompareQuery, CompareQueryVariables>;
export const FlipsDocument = new TypedDocumentString(`
    query Flips($baseId: ID!, $otherId: ID!, $iou: Float!, $confidence: Float!, $kinds: [FlipKind!], $first: Int!, $after: String) {
  compareEvaluations(baseId: $baseId, otherId: $otherId) {
    __typename
    ... on EvaluationComparison {
      flips(
        iouThreshold: $iou
        confidenceThreshold: $confidence
        kinds: $kinds
        first: $first
        after: $after
      ) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            kind
            groundTruth {
              ...BoxFields
            }
            item {
              id
              referenceId
              width
              height
              thumbnailUrl(size: 256)
              imageUrl
            }
            base {
              ...FlipSideFields
            }
            other {
              ...FlipSideFields
            }
          }
        }
      }
    }
    ... on ValidationError {
      message
    }
    ... on NotFoundError {
      message
    }
  }
}
    fragment BoxFields on Box {
  id
  annotationId
  label
  x
  y
  width
  height
}
fragment FlipSideFields on Match {
  id
  outcome
  iou
  confidence
  prediction {
    ...BoxFields
    confidence
  }
}`) as unknown as TypedDocumentString<FlipsQuery, FlipsQueryVariables>;