"""The largest queries real use sends (the web UI's views, the client's calls): each must fit the cost bound.

Their costs are printed in the README next to the default bound (`python -m tests.security.views` prints them).
"""

from __future__ import annotations

GALLERY_PAGE = """
query Gallery($d: ID!, $m: ID!, $filter: MatchFilter, $after: String) {
  evaluation(datasetId: $d, modelId: $m) {
    id isStale
    matches(filter: $filter, first: 100, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node {
        id outcome iou confidence groundTruthLabel predictionLabel
        item { id referenceId imageLocation width height }
        groundTruth { id annotationId label x y width height iscrowd }
        prediction { id annotationId label x y width height confidence }
      } }
    }
  }
}
"""

ITEM_DETAIL = """
query Item($item: ID!, $m: ID!, $e: ID!) {
  node(id: $item) {
    ... on DatasetItem {
      id referenceId imageLocation width height metadata
      annotations { id annotationId label x y width height iscrowd metadata }
      predictions(modelId: $m) { id annotationId label x y width height confidence classPdf }
      entries(evaluationId: $e) {
        id outcome iou confidence groundTruthLabel predictionLabel
        groundTruth { id annotationId } prediction { id annotationId }
      }
    }
  }
}
"""

DASHBOARD = """
query Dashboard($d: ID!, $m: ID!, $iou: Float!, $conf: Float!) {
  evaluation(datasetId: $d, modelId: $m) {
    id isStale isCurrent createdAt completedAt classAgnostic
    allowedLabelMatches { groundTruthLabel modelPredictionLabel }
    dataset { id name } model { id name referenceId }
    metrics(iouThreshold: $iou, confidenceThreshold: $conf) {
      overall { truePositives falsePositives falseNegatives precision recall f1 }
      perClass { label groundTruthCount predictionCount counts { truePositives falsePositives falseNegatives precision recall f1 } }
      confusionMatrix { rowLabels columnLabels counts }
      matchedIouHistogram { binEdges counts }
      truePositiveConfidenceHistogram { binEdges counts }
      falsePositiveConfidenceHistogram { binEdges counts }
      itemsWithMostErrors(first: 20) { totalCount edges { node { falsePositives falseNegatives errors item { id referenceId } } } }
    }
    coco {
      overall { stats }
      perClass { label stats { stats } }
      prCurves { label recall iou50 iou75 mean }
    }
  }
}
"""

CATALOG = """
query Catalog {
  datasets(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name createdAt itemCount annotationCount labels } } }
  models(first: 100) { totalCount pageInfo { hasNextPage endCursor } edges { node { id name referenceId createdAt } } }
}
"""

ITEMS_WITH_BOXES = """
query Items($d: ID!, $after: String) {
  dataset(id: $d) { items(first: 10, after: $after) { pageInfo { hasNextPage endCursor }
    edges { node { id referenceId width height annotations { id label x y width height } } } } }
}
"""

COMPARE = """
query Compare($b: ID!, $o: ID!, $iou: Float!, $conf: Float!, $kinds: [FlipKind!], $after: String) {
  compareEvaluations(baseId: $b, otherId: $o) {
    __typename
    ... on EvaluationComparison {
      base { id createdAt model { id name } } other { id createdAt model { id name } }
      metrics(iouThreshold: $iou, confidenceThreshold: $conf) { label
        base { groundTruthCount predictionCount ap ap50 counts { truePositives falsePositives falseNegatives precision recall f1 } }
        other { groundTruthCount predictionCount ap ap50 counts { truePositives falsePositives falseNegatives precision recall f1 } }
        delta { truePositives falsePositives falseNegatives precision recall f1 ap ap50 } }
      flips(iouThreshold: $iou, confidenceThreshold: $conf, kinds: $kinds, first: 100, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { kind
          item { id referenceId imageLocation width height }
          groundTruth { id annotationId label x y width height }
          base { id outcome iou confidence prediction { id annotationId label x y width height confidence } }
          other { id outcome iou confidence prediction { id annotationId label x y width height confidence } } } }
      }
    }
    ... on ValidationError { message field }
    ... on NotFoundError { message kind id }
  }
}
"""

VIEWS = {
    "gallery page (100 matches, both boxes and the item)": GALLERY_PAGE,
    "item detail (all its boxes, predictions and entries)": ITEM_DETAIL,
    "evaluation dashboard (metrics, COCO, PR curves)": DASHBOARD,
    "datasets and models (100 each)": CATALOG,
    "items with their boxes (10 a page)": ITEMS_WITH_BOXES,
    "comparison (metrics side by side, 100 flips with their boxes)": COMPARE,
}

if __name__ == "__main__":
    from graphql import OperationDefinitionNode, TypeInfo, ValidationContext, parse
    from graphql import build_schema as graphql_schema_from_sdl

    from matchscope.resolvers.root import build_schema
    from matchscope.schema.cost import operation_cost

    schema = graphql_schema_from_sdl(build_schema().as_str())
    for name, query in VIEWS.items():
        document = parse(query)
        context = ValidationContext(schema, document, TypeInfo(schema), lambda _error: None)
        operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
        print(f"{operation_cost(context, operation)[0]:>7,}  {name}")
