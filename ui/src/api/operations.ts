import { graphql } from "../gql";

export const DatasetsQuery = graphql(`
  query Datasets($first: Int!, $after: String) {
    datasets(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name itemCount annotationCount labels createdAt } }
    }
  }
`);

export const DatasetQuery = graphql(`
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
        pageInfo { hasNextPage endCursor }
        edges { node { id referenceId imageLocation width height thumbnailUrl(size: 128) } }
      }
    }
    models(first: 100) { edges { node { id name referenceId createdAt } } }
  }
`);

export const CurrentEvaluationQuery = graphql(`
  query CurrentEvaluation($datasetId: ID!, $modelId: ID!) {
    evaluation(datasetId: $datasetId, modelId: $modelId) {
      id
      isCurrent
      isStale
      classAgnostic
      createdAt
      completedAt
      allowedLabelMatches { groundTruthLabel modelPredictionLabel }
      metrics { overall { precision recall f1 } }
      coco { overall { ap ap50 } }
    }
  }
`);

export const ItemMetadataSampleQuery = graphql(`
  query ItemMetadataSample($id: ID!) {
    dataset(id: $id) {
      id
      items(first: 100) { totalCount edges { node { metadata } } }
    }
  }
`);

export const LabelErrorsQuery = graphql(`
  query LabelErrors($id: ID!, $after: String) {
    node(id: $id) {
      ... on Evaluation {
        id
        labelErrors(first: 100, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { coco } }
        }
      }
    }
  }
`);

export const CalculateMutation = graphql(`
  mutation Calculate($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {
    calculateEvaluationMetrics(datasetId: $datasetId, modelId: $modelId, options: $options) {
      __typename
      ... on AsyncJob { id status }
      ... on ValidationError { message field errors { field value message } }
      ... on NotFoundError { message }
    }
  }
`);

export const JobFields = graphql(`
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
    evaluation { id }
  }
`);

export const JobQuery = graphql(`
  query Job($id: ID!) {
    job(id: $id) { ...JobFields }
  }
`);

export const JobUpdatesSubscription = graphql(`
  subscription JobUpdates($id: ID!) {
    jobUpdates(id: $id) { ...JobFields }
  }
`);

export const CancelJobMutation = graphql(`
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) {
      __typename
      ... on AsyncJob { id status }
      ... on ValidationError { message }
      ... on NotFoundError { message }
    }
  }
`);

export const EvaluationQuery = graphql(`
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
        allowedLabelMatches { groundTruthLabel modelPredictionLabel }
        dataset { id name labels }
        model { id name referenceId }
        coco {
          overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge }
          perClass { label stats { ap ap50 ap75 } }
        }
      }
    }
  }
`);

export const MetricsQuery = graphql(`
  query Metrics($id: ID!, $iou: Float!, $confidence: Float!, $itemMetadata: JSON) {
    node(id: $id) {
      ... on Evaluation {
        id
        metrics(iouThreshold: $iou, confidenceThreshold: $confidence, itemMetadata: $itemMetadata) {
          iouThreshold
          confidenceThreshold
          overall { truePositives falsePositives falseNegatives precision recall f1 }
          perClass {
            label
            groundTruthCount
            predictionCount
            counts { truePositives falsePositives falseNegatives precision recall f1 }
          }
          confusionMatrix { rowLabels columnLabels counts }
          matchedIouHistogram { binEdges counts }
          truePositiveConfidenceHistogram { binEdges counts }
          falsePositiveConfidenceHistogram { binEdges counts }
          reviews { status truePositives falsePositives falseNegatives total }
          itemsWithMostErrors(first: 10) {
            totalCount
            edges { node { falsePositives falseNegatives errors item { id referenceId } } }
          }
        }
      }
    }
  }
`);

export const BoxFields = graphql(`
  fragment BoxFields on Box {
    id
    annotationId
    label
    x
    y
    width
    height
  }
`);

export const ReviewFields = graphql(`
  fragment ReviewFields on Review {
    status
    note
    updatedAt
  }
`);

export const ReviewMatchMutation = graphql(`
  mutation ReviewMatch($id: ID!, $status: ReviewStatus!, $note: String, $iou: Float!, $confidence: Float!) {
    reviewMatch(id: $id, status: $status, note: $note, iouThreshold: $iou, confidenceThreshold: $confidence) {
      __typename
      ... on Match { id review { ...ReviewFields } }
      ... on ValidationError { message }
      ... on NotFoundError { message }
    }
  }
`);

export const MatchesQuery = graphql(`
  query Matches(
    $id: ID!
    $iou: Float!
    $confidence: Float!
    $filter: MatchFilter
    $orderBy: MatchOrder!
    $first: Int!
    $after: String
  ) {
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
          pageInfo { hasNextPage endCursor }
          edges {
            cursor
            node {
              id
              outcome
              iou
              groundTruthLabel
              predictionLabel
              confidence
              item { id referenceId width height thumbnailUrl(size: 256) imageUrl }
              groundTruth { ...BoxFields }
              prediction { ...BoxFields confidence }
              review { ...ReviewFields }
              errorType
              nearestGroundTruth { iou groundTruth { ...BoxFields } }
            }
          }
        }
      }
    }
  }
`);

export const EvaluationHeaderQuery = graphql(`
  query EvaluationHeader($id: ID!) {
    node(id: $id) {
      ... on Evaluation {
        id
        isStale
        dataset { id name labels }
        model { id name }
      }
    }
  }
`);

export const ItemQuery = graphql(`
  query Item($itemId: ID!, $modelId: ID!, $evaluationId: ID!, $iou: Float!, $confidence: Float!) {
    node(id: $itemId) {
      __typename
      ... on DatasetItem {
        id
        referenceId
        width
        height
        imageUrl
        annotations { ...BoxFields iscrowd }
        predictions(modelId: $modelId) { ...BoxFields confidence }
        entries(evaluationId: $evaluationId, iouThreshold: $iou, confidenceThreshold: $confidence) {
          id
          outcome
          iou
          groundTruthLabel
          predictionLabel
          confidence
          groundTruth { id }
          prediction { id }
          review { ...ReviewFields }
          errorType
          nearestGroundTruth { iou groundTruth { ...BoxFields } }
        }
      }
    }
  }
`);

export const EvaluationHistoryQuery = graphql(`
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
          model { id name }
          coco { overall { ap ap50 } }
        }
      }
    }
  }
`);

export const PrCurvesQuery = graphql(`
  query PrCurves($id: ID!) {
    node(id: $id) {
      ... on Evaluation {
        id
        coco { prCurves { label recall iou50 iou75 mean } }
      }
    }
  }
`);

export const TideFields = graphql(`
  fragment TideFields on TideError {
    type
    count
    deltaAp
  }
`);

export const TideQuery = graphql(`
  query Tide($id: ID!) {
    node(id: $id) {
      ... on Evaluation {
        id
        tide {
          ap50
          errors { ...TideFields }
          perClass { label ap50 errors { ...TideFields } }
        }
      }
    }
  }
`);

/** A slice's COCO summary and TIDE summary: the engine run on its items' boxes alone (computed on first request). */
export const SliceResultsQuery = graphql(`
  query SliceResults($id: ID!, $itemMetadata: JSON!) {
    node(id: $id) {
      ... on Evaluation {
        id
        coco(itemMetadata: $itemMetadata) {
          overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge }
        }
        tide(itemMetadata: $itemMetadata) {
          ap50
          errors { ...TideFields }
          perClass { label ap50 errors { ...TideFields } }
        }
      }
    }
  }
`);

export const ComparedSideFields = graphql(`
  fragment ComparedSideFields on ComparedSide {
    groundTruthCount
    predictionCount
    counts { truePositives falsePositives falseNegatives precision recall f1 }
    ap
    ap50
  }
`);

export const CompareQuery = graphql(`
  query Compare($baseId: ID!, $otherId: ID!, $iou: Float!, $confidence: Float!) {
    compareEvaluations(baseId: $baseId, otherId: $otherId) {
      __typename
      ... on EvaluationComparison {
        base { id createdAt completedAt classAgnostic isCurrent dataset { id name } model { id name } }
        other { id createdAt completedAt classAgnostic isCurrent model { id name } }
        metrics(iouThreshold: $iou, confidenceThreshold: $confidence) {
          label
          base { ...ComparedSideFields }
          other { ...ComparedSideFields }
          delta { truePositives falsePositives falseNegatives precision recall f1 ap ap50 }
        }
      }
      ... on ValidationError { message }
      ... on NotFoundError { message }
    }
  }
`);

export const FlipSideFields = graphql(`
  fragment FlipSideFields on Match {
    id
    outcome
    iou
    confidence
    prediction { ...BoxFields confidence }
  }
`);

export const FlipsQuery = graphql(`
  query Flips(
    $baseId: ID!
    $otherId: ID!
    $iou: Float!
    $confidence: Float!
    $kinds: [FlipKind!]
    $first: Int!
    $after: String
  ) {
    compareEvaluations(baseId: $baseId, otherId: $otherId) {
      __typename
      ... on EvaluationComparison {
        flips(iouThreshold: $iou, confidenceThreshold: $confidence, kinds: $kinds, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges {
            node {
              kind
              groundTruth { ...BoxFields }
              item { id referenceId width height thumbnailUrl(size: 256) imageUrl }
              base { ...FlipSideFields }
              other { ...FlipSideFields }
            }
          }
        }
      }
      ... on ValidationError { message }
      ... on NotFoundError { message }
    }
  }
`);
