/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Datasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name itemCount annotationCount labels createdAt } }\n    }\n  }\n": typeof types.DatasetsDocument,
    "\n  query Dataset($id: ID!, $itemsFirst: Int!, $itemsAfter: String) {\n    dataset(id: $id) {\n      id\n      name\n      itemCount\n      annotationCount\n      labels\n      createdAt\n      items(first: $itemsFirst, after: $itemsAfter) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { id referenceId imageLocation width height thumbnailUrl(size: 128) } }\n      }\n    }\n    models(first: 100) { edges { node { id name referenceId createdAt } } }\n  }\n": typeof types.DatasetDocument,
    "\n  query CurrentEvaluation($datasetId: ID!, $modelId: ID!) {\n    evaluation(datasetId: $datasetId, modelId: $modelId) {\n      id\n      isCurrent\n      isStale\n      classAgnostic\n      createdAt\n      completedAt\n      allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n      metrics { overall { precision recall f1 } }\n      coco { overall { ap ap50 } }\n    }\n  }\n": typeof types.CurrentEvaluationDocument,
    "\n  mutation Calculate($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {\n    calculateEvaluationMetrics(datasetId: $datasetId, modelId: $modelId, options: $options) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message field errors { field value message } }\n      ... on NotFoundError { message }\n    }\n  }\n": typeof types.CalculateDocument,
    "\n  fragment JobFields on AsyncJob {\n    id\n    status\n    progress\n    completedSteps\n    totalSteps\n    message\n    errors\n    createdAt\n    startedAt\n    finishedAt\n    evaluation { id }\n  }\n": typeof types.JobFieldsFragmentDoc,
    "\n  query Job($id: ID!) {\n    job(id: $id) { ...JobFields }\n  }\n": typeof types.JobDocument,
    "\n  subscription JobUpdates($id: ID!) {\n    jobUpdates(id: $id) { ...JobFields }\n  }\n": typeof types.JobUpdatesDocument,
    "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message }\n      ... on NotFoundError { message }\n    }\n  }\n": typeof types.CancelJobDocument,
    "\n  query Evaluation($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Evaluation {\n        id\n        isCurrent\n        isStale\n        classAgnostic\n        createdAt\n        completedAt\n        allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n        dataset { id name labels }\n        model { id name referenceId }\n        coco {\n          overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge }\n          perClass { label stats { ap ap50 ap75 } }\n        }\n      }\n    }\n  }\n": typeof types.EvaluationDocument,
    "\n  query Metrics($id: ID!, $iou: Float!, $confidence: Float!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        metrics(iouThreshold: $iou, confidenceThreshold: $confidence) {\n          iouThreshold\n          confidenceThreshold\n          overall { truePositives falsePositives falseNegatives precision recall f1 }\n          perClass {\n            label\n            groundTruthCount\n            predictionCount\n            counts { truePositives falsePositives falseNegatives precision recall f1 }\n          }\n          confusionMatrix { rowLabels columnLabels counts }\n          matchedIouHistogram { binEdges counts }\n          truePositiveConfidenceHistogram { binEdges counts }\n          falsePositiveConfidenceHistogram { binEdges counts }\n          itemsWithMostErrors(first: 10) {\n            totalCount\n            edges { node { falsePositives falseNegatives errors item { id referenceId } } }\n          }\n        }\n      }\n    }\n  }\n": typeof types.MetricsDocument,
    "\n  fragment BoxFields on Box {\n    id\n    annotationId\n    label\n    x\n    y\n    width\n    height\n  }\n": typeof types.BoxFieldsFragmentDoc,
    "\n  query Matches(\n    $id: ID!\n    $iou: Float!\n    $confidence: Float!\n    $filter: MatchFilter\n    $orderBy: MatchOrder!\n    $first: Int!\n    $after: String\n  ) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        matches(\n          iouThreshold: $iou\n          confidenceThreshold: $confidence\n          filter: $filter\n          orderBy: $orderBy\n          first: $first\n          after: $after\n        ) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges {\n            cursor\n            node {\n              id\n              outcome\n              iou\n              groundTruthLabel\n              predictionLabel\n              confidence\n              item { id referenceId width height thumbnailUrl(size: 256) imageUrl }\n              groundTruth { ...BoxFields }\n              prediction { ...BoxFields confidence }\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.MatchesDocument,
    "\n  query EvaluationHeader($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        isStale\n        dataset { id name labels }\n        model { id name }\n      }\n    }\n  }\n": typeof types.EvaluationHeaderDocument,
    "\n  query Item($itemId: ID!, $modelId: ID!, $evaluationId: ID!, $iou: Float!, $confidence: Float!) {\n    node(id: $itemId) {\n      __typename\n      ... on DatasetItem {\n        id\n        referenceId\n        width\n        height\n        imageUrl\n        annotations { ...BoxFields iscrowd }\n        predictions(modelId: $modelId) { ...BoxFields confidence }\n        entries(evaluationId: $evaluationId, iouThreshold: $iou, confidenceThreshold: $confidence) {\n          id\n          outcome\n          iou\n          groundTruthLabel\n          predictionLabel\n          confidence\n          groundTruth { id }\n          prediction { id }\n        }\n      }\n    }\n  }\n": typeof types.ItemDocument,
    "\n  query EvaluationHistory($datasetId: ID!, $first: Int!) {\n    evaluations(datasetId: $datasetId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          isCurrent\n          isStale\n          classAgnostic\n          createdAt\n          completedAt\n          model { id name }\n          coco { overall { ap ap50 } }\n        }\n      }\n    }\n  }\n": typeof types.EvaluationHistoryDocument,
    "\n  query PrCurves($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        coco { prCurves { label recall iou50 iou75 mean } }\n      }\n    }\n  }\n": typeof types.PrCurvesDocument,
};
const documents: Documents = {
    "\n  query Datasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name itemCount annotationCount labels createdAt } }\n    }\n  }\n": types.DatasetsDocument,
    "\n  query Dataset($id: ID!, $itemsFirst: Int!, $itemsAfter: String) {\n    dataset(id: $id) {\n      id\n      name\n      itemCount\n      annotationCount\n      labels\n      createdAt\n      items(first: $itemsFirst, after: $itemsAfter) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { id referenceId imageLocation width height thumbnailUrl(size: 128) } }\n      }\n    }\n    models(first: 100) { edges { node { id name referenceId createdAt } } }\n  }\n": types.DatasetDocument,
    "\n  query CurrentEvaluation($datasetId: ID!, $modelId: ID!) {\n    evaluation(datasetId: $datasetId, modelId: $modelId) {\n      id\n      isCurrent\n      isStale\n      classAgnostic\n      createdAt\n      completedAt\n      allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n      metrics { overall { precision recall f1 } }\n      coco { overall { ap ap50 } }\n    }\n  }\n": types.CurrentEvaluationDocument,
    "\n  mutation Calculate($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {\n    calculateEvaluationMetrics(datasetId: $datasetId, modelId: $modelId, options: $options) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message field errors { field value message } }\n      ... on NotFoundError { message }\n    }\n  }\n": types.CalculateDocument,
    "\n  fragment JobFields on AsyncJob {\n    id\n    status\n    progress\n    completedSteps\n    totalSteps\n    message\n    errors\n    createdAt\n    startedAt\n    finishedAt\n    evaluation { id }\n  }\n": types.JobFieldsFragmentDoc,
    "\n  query Job($id: ID!) {\n    job(id: $id) { ...JobFields }\n  }\n": types.JobDocument,
    "\n  subscription JobUpdates($id: ID!) {\n    jobUpdates(id: $id) { ...JobFields }\n  }\n": types.JobUpdatesDocument,
    "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message }\n      ... on NotFoundError { message }\n    }\n  }\n": types.CancelJobDocument,
    "\n  query Evaluation($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Evaluation {\n        id\n        isCurrent\n        isStale\n        classAgnostic\n        createdAt\n        completedAt\n        allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n        dataset { id name labels }\n        model { id name referenceId }\n        coco {\n          overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge }\n          perClass { label stats { ap ap50 ap75 } }\n        }\n      }\n    }\n  }\n": types.EvaluationDocument,
    "\n  query Metrics($id: ID!, $iou: Float!, $confidence: Float!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        metrics(iouThreshold: $iou, confidenceThreshold: $confidence) {\n          iouThreshold\n          confidenceThreshold\n          overall { truePositives falsePositives falseNegatives precision recall f1 }\n          perClass {\n            label\n            groundTruthCount\n            predictionCount\n            counts { truePositives falsePositives falseNegatives precision recall f1 }\n          }\n          confusionMatrix { rowLabels columnLabels counts }\n          matchedIouHistogram { binEdges counts }\n          truePositiveConfidenceHistogram { binEdges counts }\n          falsePositiveConfidenceHistogram { binEdges counts }\n          itemsWithMostErrors(first: 10) {\n            totalCount\n            edges { node { falsePositives falseNegatives errors item { id referenceId } } }\n          }\n        }\n      }\n    }\n  }\n": types.MetricsDocument,
    "\n  fragment BoxFields on Box {\n    id\n    annotationId\n    label\n    x\n    y\n    width\n    height\n  }\n": types.BoxFieldsFragmentDoc,
    "\n  query Matches(\n    $id: ID!\n    $iou: Float!\n    $confidence: Float!\n    $filter: MatchFilter\n    $orderBy: MatchOrder!\n    $first: Int!\n    $after: String\n  ) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        matches(\n          iouThreshold: $iou\n          confidenceThreshold: $confidence\n          filter: $filter\n          orderBy: $orderBy\n          first: $first\n          after: $after\n        ) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges {\n            cursor\n            node {\n              id\n              outcome\n              iou\n              groundTruthLabel\n              predictionLabel\n              confidence\n              item { id referenceId width height thumbnailUrl(size: 256) imageUrl }\n              groundTruth { ...BoxFields }\n              prediction { ...BoxFields confidence }\n            }\n          }\n        }\n      }\n    }\n  }\n": types.MatchesDocument,
    "\n  query EvaluationHeader($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        isStale\n        dataset { id name labels }\n        model { id name }\n      }\n    }\n  }\n": types.EvaluationHeaderDocument,
    "\n  query Item($itemId: ID!, $modelId: ID!, $evaluationId: ID!, $iou: Float!, $confidence: Float!) {\n    node(id: $itemId) {\n      __typename\n      ... on DatasetItem {\n        id\n        referenceId\n        width\n        height\n        imageUrl\n        annotations { ...BoxFields iscrowd }\n        predictions(modelId: $modelId) { ...BoxFields confidence }\n        entries(evaluationId: $evaluationId, iouThreshold: $iou, confidenceThreshold: $confidence) {\n          id\n          outcome\n          iou\n          groundTruthLabel\n          predictionLabel\n          confidence\n          groundTruth { id }\n          prediction { id }\n        }\n      }\n    }\n  }\n": types.ItemDocument,
    "\n  query EvaluationHistory($datasetId: ID!, $first: Int!) {\n    evaluations(datasetId: $datasetId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          isCurrent\n          isStale\n          classAgnostic\n          createdAt\n          completedAt\n          model { id name }\n          coco { overall { ap ap50 } }\n        }\n      }\n    }\n  }\n": types.EvaluationHistoryDocument,
    "\n  query PrCurves($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        coco { prCurves { label recall iou50 iou75 mean } }\n      }\n    }\n  }\n": types.PrCurvesDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Datasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name itemCount annotationCount labels createdAt } }\n    }\n  }\n"): typeof import('./graphql').DatasetsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dataset($id: ID!, $itemsFirst: Int!, $itemsAfter: String) {\n    dataset(id: $id) {\n      id\n      name\n      itemCount\n      annotationCount\n      labels\n      createdAt\n      items(first: $itemsFirst, after: $itemsAfter) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { id referenceId imageLocation width height thumbnailUrl(size: 128) } }\n      }\n    }\n    models(first: 100) { edges { node { id name referenceId createdAt } } }\n  }\n"): typeof import('./graphql').DatasetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CurrentEvaluation($datasetId: ID!, $modelId: ID!) {\n    evaluation(datasetId: $datasetId, modelId: $modelId) {\n      id\n      isCurrent\n      isStale\n      classAgnostic\n      createdAt\n      completedAt\n      allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n      metrics { overall { precision recall f1 } }\n      coco { overall { ap ap50 } }\n    }\n  }\n"): typeof import('./graphql').CurrentEvaluationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Calculate($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {\n    calculateEvaluationMetrics(datasetId: $datasetId, modelId: $modelId, options: $options) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message field errors { field value message } }\n      ... on NotFoundError { message }\n    }\n  }\n"): typeof import('./graphql').CalculateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobFields on AsyncJob {\n    id\n    status\n    progress\n    completedSteps\n    totalSteps\n    message\n    errors\n    createdAt\n    startedAt\n    finishedAt\n    evaluation { id }\n  }\n"): typeof import('./graphql').JobFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Job($id: ID!) {\n    job(id: $id) { ...JobFields }\n  }\n"): typeof import('./graphql').JobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription JobUpdates($id: ID!) {\n    jobUpdates(id: $id) { ...JobFields }\n  }\n"): typeof import('./graphql').JobUpdatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message }\n      ... on NotFoundError { message }\n    }\n  }\n"): typeof import('./graphql').CancelJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Evaluation($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Evaluation {\n        id\n        isCurrent\n        isStale\n        classAgnostic\n        createdAt\n        completedAt\n        allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n        dataset { id name labels }\n        model { id name referenceId }\n        coco {\n          overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge }\n          perClass { label stats { ap ap50 ap75 } }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').EvaluationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Metrics($id: ID!, $iou: Float!, $confidence: Float!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        metrics(iouThreshold: $iou, confidenceThreshold: $confidence) {\n          iouThreshold\n          confidenceThreshold\n          overall { truePositives falsePositives falseNegatives precision recall f1 }\n          perClass {\n            label\n            groundTruthCount\n            predictionCount\n            counts { truePositives falsePositives falseNegatives precision recall f1 }\n          }\n          confusionMatrix { rowLabels columnLabels counts }\n          matchedIouHistogram { binEdges counts }\n          truePositiveConfidenceHistogram { binEdges counts }\n          falsePositiveConfidenceHistogram { binEdges counts }\n          itemsWithMostErrors(first: 10) {\n            totalCount\n            edges { node { falsePositives falseNegatives errors item { id referenceId } } }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').MetricsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BoxFields on Box {\n    id\n    annotationId\n    label\n    x\n    y\n    width\n    height\n  }\n"): typeof import('./graphql').BoxFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Matches(\n    $id: ID!\n    $iou: Float!\n    $confidence: Float!\n    $filter: MatchFilter\n    $orderBy: MatchOrder!\n    $first: Int!\n    $after: String\n  ) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        matches(\n          iouThreshold: $iou\n          confidenceThreshold: $confidence\n          filter: $filter\n          orderBy: $orderBy\n          first: $first\n          after: $after\n        ) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges {\n            cursor\n            node {\n              id\n              outcome\n              iou\n              groundTruthLabel\n              predictionLabel\n              confidence\n              item { id referenceId width height thumbnailUrl(size: 256) imageUrl }\n              groundTruth { ...BoxFields }\n              prediction { ...BoxFields confidence }\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').MatchesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EvaluationHeader($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        isStale\n        dataset { id name labels }\n        model { id name }\n      }\n    }\n  }\n"): typeof import('./graphql').EvaluationHeaderDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Item($itemId: ID!, $modelId: ID!, $evaluationId: ID!, $iou: Float!, $confidence: Float!) {\n    node(id: $itemId) {\n      __typename\n      ... on DatasetItem {\n        id\n        referenceId\n        width\n        height\n        imageUrl\n        annotations { ...BoxFields iscrowd }\n        predictions(modelId: $modelId) { ...BoxFields confidence }\n        entries(evaluationId: $evaluationId, iouThreshold: $iou, confidenceThreshold: $confidence) {\n          id\n          outcome\n          iou\n          groundTruthLabel\n          predictionLabel\n          confidence\n          groundTruth { id }\n          prediction { id }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EvaluationHistory($datasetId: ID!, $first: Int!) {\n    evaluations(datasetId: $datasetId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          isCurrent\n          isStale\n          classAgnostic\n          createdAt\n          completedAt\n          model { id name }\n          coco { overall { ap ap50 } }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').EvaluationHistoryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PrCurves($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        coco { prCurves { label recall iou50 iou75 mean } }\n      }\n    }\n  }\n"): typeof import('./graphql').PrCurvesDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
