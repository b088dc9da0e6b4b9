const __vite__mapDeps=(i,m=__vite__mapDeps,d=(m.f||(m.f=["assets/Charts-DgPolVKR.js","assets/rolldown-runtime-DoHqwKmD.js","assets/preload-helper-BvbAkH4z.js","assets/with-selector-Bna0DKfz.js"])))=>i.map(i=>d[i]);
import{a as e}from"./rolldown-runtime-DoHqwKmD.js";import{a as t,i as n,l as r,n as i,o as a,r as o,s,t as c}from"./preload-helper-BvbAkH4z.js";import{n as l}from"./dist-B5d9IcWF.js";var u=e(r(),1),d=s(),f=class extends Error{},p=new Set;function m(e){return p.add(e),()=>p.delete(e)}function h(e){n();for(let t of p)t(e)}async function g(e,n,r){if(t()===null)throw h(`Enter your API key.`),new f(`no API key`);let i=await fetch(`/graphql`,{method:`POST`,headers:{"Content-Type":`application/json`,Accept:`application/json`,Authorization:o()},body:JSON.stringify({query:e.toString(),variables:n}),signal:r??null});if(i.status===401)throw h(`The server refused this API key (401 Unauthorized). Paste a valid key.`),new f(`401 Unauthorized`);if(!i.ok)throw new f(`The server answered ${i.status} ${i.statusText}`);let a=await i.json();if(a.errors&&a.errors.length>0)throw new f(a.errors.map(e=>e.message).join(`; `));if(a.data==null)throw new f(`The server returned no data`);return a.data}var _=i(),v=new Set;function y(){for(let e of v)e()}window.addEventListener(`popstate`,y);function b(e){return v.add(e),()=>v.delete(e)}function x(e,t={}){t.replace?window.history.replaceState(null,``,e):window.history.pushState(null,``,e),y()}var S={pathname:window.location.pathname,search:window.location.search};function C(){let{pathname:e,search:t}=window.location;return(S.pathname!==e||S.search!==t)&&(S={pathname:e,search:t}),S}function w(){return(0,u.useSyncExternalStore)(b,C)}function T(e,t){let n=e.split(`/`),r=t.replace(/\/+$/,``).split(`/`);if(t===`/`&&r.splice(1,1,``),n.length!==r.length)return null;let i={};for(let[e,t]of n.entries()){let n=r[e]??``;if(t.startsWith(`:`)){if(n===``)return null;i[t.slice(1)]=decodeURIComponent(n)}else if(t!==n)return null}return i}function E(){let{search:e}=w();return new URLSearchParams(e)}function D(e){let t=new URLSearchParams(window.location.search);for(let[n,r]of Object.entries(e))if(t.delete(n),typeof r==`object`&&r)for(let e of r)t.append(n,e);else r!=null&&r!==``&&t.set(n,String(r));let n=t.toString();return`${window.location.pathname}${n?`?${n}`:``}`}function O({to:e,children:t,onClick:n,...r}){return(0,_.jsx)(`a`,{href:e,onClick:t=>{n?.(t),t.defaultPrevented||t.button!==0||t.metaKey||t.ctrlKey||t.shiftKey||(t.preventDefault(),x(e))},...r,children:t})}var k={datasets:()=>`/`,dataset:e=>`/datasets/${encodeURIComponent(e)}`,job:e=>`/jobs/${encodeURIComponent(e)}`,evaluation:e=>`/evaluations/${encodeURIComponent(e)}`,entries:e=>`/evaluations/${encodeURIComponent(e)}/entries`,compare:(e,t)=>`/compare?${new URLSearchParams({base:e,other:t}).toString()}`,item:(e,t)=>`/evaluations/${encodeURIComponent(e)}/items/${encodeURIComponent(t)}`},A=class extends String{__apiType;value;__meta__;constructor(e,t){super(e),this.value=e,this.__meta__=t}toString(){return this.value}},j=new A(`
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
    `,{fragmentName:`JobFields`}),M=new A(`
    fragment ReviewFields on Review {
  status
  note
  updatedAt
}
    `,{fragmentName:`ReviewFields`}),ee=new A(`
    fragment TideFields on TideError {
  type
  count
  deltaAp
}
    `,{fragmentName:`TideFields`}),te=new A(`
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
    `,{fragmentName:`ComparedSideFields`}),ne=new A(`
    fragment BoxFields on Box {
  id
  annotationId
  label
  x
  y
  width
  height
}
    `,{fragmentName:`BoxFields`}),re=new A(`
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
}`,{fragmentName:`FlipSideFields`}),ie={"\n  query Datasets($first: Int!, $after: String) {\n    datasets(first: $first, after: $after) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      edges { node { id name itemCount annotationCount labels createdAt } }\n    }\n  }\n":new A(`
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
    `),"\n  query Dataset($id: ID!, $itemsFirst: Int!, $itemsAfter: String) {\n    dataset(id: $id) {\n      id\n      name\n      itemCount\n      annotationCount\n      labels\n      createdAt\n      items(first: $itemsFirst, after: $itemsAfter) {\n        totalCount\n        pageInfo { hasNextPage endCursor }\n        edges { node { id referenceId imageLocation width height thumbnailUrl(size: 128) } }\n      }\n    }\n    models(first: 100) { edges { node { id name referenceId createdAt } } }\n  }\n":new A(`
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
    `),"\n  query CurrentEvaluation($datasetId: ID!, $modelId: ID!) {\n    evaluation(datasetId: $datasetId, modelId: $modelId) {\n      id\n      isCurrent\n      isStale\n      classAgnostic\n      createdAt\n      completedAt\n      allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n      metrics { overall { precision recall f1 } }\n      coco { overall { ap ap50 } }\n    }\n  }\n":new A(`
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
    `),"\n  query ItemMetadataSample($id: ID!) {\n    dataset(id: $id) {\n      id\n      items(first: 100) { totalCount edges { node { metadata } } }\n    }\n  }\n":new A(`
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
    `),"\n  query LabelErrors($id: ID!, $after: String) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        labelErrors(first: 100, after: $after) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges { node { coco } }\n        }\n      }\n    }\n  }\n":new A(`
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
    `),"\n  mutation Calculate($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {\n    calculateEvaluationMetrics(datasetId: $datasetId, modelId: $modelId, options: $options) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message field errors { field value message } }\n      ... on NotFoundError { message }\n    }\n  }\n":new A(`
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
    `),"\n  fragment JobFields on AsyncJob {\n    id\n    status\n    progress\n    completedSteps\n    totalSteps\n    message\n    errors\n    createdAt\n    startedAt\n    finishedAt\n    evaluation { id }\n  }\n":j,"\n  query Job($id: ID!) {\n    job(id: $id) { ...JobFields }\n  }\n":new A(`
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
}`),"\n  subscription JobUpdates($id: ID!) {\n    jobUpdates(id: $id) { ...JobFields }\n  }\n":new A(`
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
}`),"\n  mutation CancelJob($id: ID!) {\n    cancelJob(id: $id) {\n      __typename\n      ... on AsyncJob { id status }\n      ... on ValidationError { message }\n      ... on NotFoundError { message }\n    }\n  }\n":new A(`
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
    `),"\n  query Evaluation($id: ID!) {\n    node(id: $id) {\n      __typename\n      ... on Evaluation {\n        id\n        isCurrent\n        isStale\n        classAgnostic\n        createdAt\n        completedAt\n        allowedLabelMatches { groundTruthLabel modelPredictionLabel }\n        dataset { id name labels }\n        model { id name referenceId }\n        coco {\n          overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge }\n          perClass { label stats { ap ap50 ap75 } }\n        }\n      }\n    }\n  }\n":new A(`
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
    `),"\n  query Metrics($id: ID!, $iou: Float!, $confidence: Float!, $itemMetadata: JSON) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        metrics(iouThreshold: $iou, confidenceThreshold: $confidence, itemMetadata: $itemMetadata) {\n          iouThreshold\n          confidenceThreshold\n          overall { truePositives falsePositives falseNegatives precision recall f1 }\n          perClass {\n            label\n            groundTruthCount\n            predictionCount\n            counts { truePositives falsePositives falseNegatives precision recall f1 }\n          }\n          confusionMatrix { rowLabels columnLabels counts }\n          matchedIouHistogram { binEdges counts }\n          truePositiveConfidenceHistogram { binEdges counts }\n          falsePositiveConfidenceHistogram { binEdges counts }\n          reviews { status truePositives falsePositives falseNegatives total }\n          itemsWithMostErrors(first: 10) {\n            totalCount\n            edges { node { falsePositives falseNegatives errors item { id referenceId } } }\n          }\n        }\n      }\n    }\n  }\n":new A(`
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
    `),"\n  fragment BoxFields on Box {\n    id\n    annotationId\n    label\n    x\n    y\n    width\n    height\n  }\n":ne,"\n  fragment ReviewFields on Review {\n    status\n    note\n    updatedAt\n  }\n":M,"\n  mutation ReviewMatch($id: ID!, $status: ReviewStatus!, $note: String, $iou: Float!, $confidence: Float!) {\n    reviewMatch(id: $id, status: $status, note: $note, iouThreshold: $iou, confidenceThreshold: $confidence) {\n      __typename\n      ... on Match { id review { ...ReviewFields } }\n      ... on ValidationError { message }\n      ... on NotFoundError { message }\n    }\n  }\n":new A(`
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
}`),"\n  query Matches(\n    $id: ID!\n    $iou: Float!\n    $confidence: Float!\n    $filter: MatchFilter\n    $orderBy: MatchOrder!\n    $first: Int!\n    $after: String\n  ) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        matches(\n          iouThreshold: $iou\n          confidenceThreshold: $confidence\n          filter: $filter\n          orderBy: $orderBy\n          first: $first\n          after: $after\n        ) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges {\n            cursor\n            node {\n              id\n              outcome\n              iou\n              groundTruthLabel\n              predictionLabel\n              confidence\n              item { id referenceId width height thumbnailUrl(size: 256) imageUrl }\n              groundTruth { ...BoxFields }\n              prediction { ...BoxFields confidence }\n              review { ...ReviewFields }\n              errorType\n              nearestGroundTruth { iou groundTruth { ...BoxFields } }\n            }\n          }\n        }\n      }\n    }\n  }\n":new A(`
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
}`),"\n  query EvaluationHeader($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        isStale\n        dataset { id name labels }\n        model { id name }\n      }\n    }\n  }\n":new A(`
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
    `),"\n  query Item($itemId: ID!, $modelId: ID!, $evaluationId: ID!, $iou: Float!, $confidence: Float!) {\n    node(id: $itemId) {\n      __typename\n      ... on DatasetItem {\n        id\n        referenceId\n        width\n        height\n        imageUrl\n        annotations { ...BoxFields iscrowd }\n        predictions(modelId: $modelId) { ...BoxFields confidence }\n        entries(evaluationId: $evaluationId, iouThreshold: $iou, confidenceThreshold: $confidence) {\n          id\n          outcome\n          iou\n          groundTruthLabel\n          predictionLabel\n          confidence\n          groundTruth { id }\n          prediction { id }\n          review { ...ReviewFields }\n          errorType\n          nearestGroundTruth { iou groundTruth { ...BoxFields } }\n        }\n      }\n    }\n  }\n":new A(`
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
}`),"\n  query EvaluationHistory($datasetId: ID!, $first: Int!) {\n    evaluations(datasetId: $datasetId, first: $first) {\n      totalCount\n      edges {\n        node {\n          id\n          isCurrent\n          isStale\n          classAgnostic\n          createdAt\n          completedAt\n          model { id name }\n          coco { overall { ap ap50 } }\n        }\n      }\n    }\n  }\n":new A(`
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
    `),"\n  query PrCurves($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        coco { prCurves { label recall iou50 iou75 mean } }\n      }\n    }\n  }\n":new A(`
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
    `),"\n  fragment TideFields on TideError {\n    type\n    count\n    deltaAp\n  }\n":ee,"\n  query Tide($id: ID!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        tide {\n          ap50\n          errors { ...TideFields }\n          perClass { label ap50 errors { ...TideFields } }\n        }\n      }\n    }\n  }\n":new A(`
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
}`),"\n  query SliceResults($id: ID!, $itemMetadata: JSON!) {\n    node(id: $id) {\n      ... on Evaluation {\n        id\n        coco(itemMetadata: $itemMetadata) {\n          overall { ap ap50 ap75 apSmall apMedium apLarge ar1 ar10 ar100 arSmall arMedium arLarge }\n        }\n        tide(itemMetadata: $itemMetadata) {\n          ap50\n          errors { ...TideFields }\n          perClass { label ap50 errors { ...TideFields } }\n        }\n      }\n    }\n  }\n":new A(`
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
}`),"\n  fragment ComparedSideFields on ComparedSide {\n    groundTruthCount\n    predictionCount\n    counts { truePositives falsePositives falseNegatives precision recall f1 }\n    ap\n    ap50\n  }\n":te,"\n  query Compare($baseId: ID!, $otherId: ID!, $iou: Float!, $confidence: Float!) {\n    compareEvaluations(baseId: $baseId, otherId: $otherId) {\n      __typename\n      ... on EvaluationComparison {\n        base { id createdAt completedAt classAgnostic isCurrent dataset { id name } model { id name } }\n        other { id createdAt completedAt classAgnostic isCurrent model { id name } }\n        metrics(iouThreshold: $iou, confidenceThreshold: $confidence) {\n          label\n          base { ...ComparedSideFields }\n          other { ...ComparedSideFields }\n          delta { truePositives falsePositives falseNegatives precision recall f1 ap ap50 }\n        }\n      }\n      ... on ValidationError { message }\n      ... on NotFoundError { message }\n    }\n  }\n":new A(`
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
}`),"\n  fragment FlipSideFields on Match {\n    id\n    outcome\n    iou\n    confidence\n    prediction { ...BoxFields confidence }\n  }\n":re,"\n  query Flips(\n    $baseId: ID!\n    $otherId: ID!\n    $iou: Float!\n    $confidence: Float!\n    $kinds: [FlipKind!]\n    $first: Int!\n    $after: String\n  ) {\n    compareEvaluations(baseId: $baseId, otherId: $otherId) {\n      __typename\n      ... on EvaluationComparison {\n        flips(iouThreshold: $iou, confidenceThreshold: $confidence, kinds: $kinds, first: $first, after: $after) {\n          totalCount\n          pageInfo { hasNextPage endCursor }\n          edges {\n            node {\n              kind\n              groundTruth { ...BoxFields }\n              item { id referenceId width height thumbnailUrl(size: 256) imageUrl }\n              base { ...FlipSideFields }\n              other { ...FlipSideFields }\n            }\n          }\n        }\n      }\n      ... on ValidationError { message }\n      ... on NotFoundError { message }\n    }\n  }\n":new A(`
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
}`)};function N(e){return ie[e]??{}}var ae=N(`
  query Datasets($first: Int!, $after: String) {
    datasets(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { id name itemCount annotationCount labels createdAt } }
    }
  }
`),oe=N(`
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
`),se=N(`
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
`),ce=N(`
  query ItemMetadataSample($id: ID!) {
    dataset(id: $id) {
      id
      items(first: 100) { totalCount edges { node { metadata } } }
    }
  }
`),le=N(`
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
`),ue=N(`
  mutation Calculate($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {
    calculateEvaluationMetrics(datasetId: $datasetId, modelId: $modelId, options: $options) {
      __typename
      ... on AsyncJob { id status }
      ... on ValidationError { message field errors { field value message } }
      ... on NotFoundError { message }
    }
  }
`);N(`
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
`);var de=N(`
  query Job($id: ID!) {
    job(id: $id) { ...JobFields }
  }
`),fe=N(`
  subscription JobUpdates($id: ID!) {
    jobUpdates(id: $id) { ...JobFields }
  }
`),pe=N(`
  mutation CancelJob($id: ID!) {
    cancelJob(id: $id) {
      __typename
      ... on AsyncJob { id status }
      ... on ValidationError { message }
      ... on NotFoundError { message }
    }
  }
`),me=N(`
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
`),he=N(`
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
`);N(`
  fragment BoxFields on Box {
    id
    annotationId
    label
    x
    y
    width
    height
  }
`),N(`
  fragment ReviewFields on Review {
    status
    note
    updatedAt
  }
`);var ge=N(`
  mutation ReviewMatch($id: ID!, $status: ReviewStatus!, $note: String, $iou: Float!, $confidence: Float!) {
    reviewMatch(id: $id, status: $status, note: $note, iouThreshold: $iou, confidenceThreshold: $confidence) {
      __typename
      ... on Match { id review { ...ReviewFields } }
      ... on ValidationError { message }
      ... on NotFoundError { message }
    }
  }
`),_e=N(`
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
`),ve=N(`
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
`),ye=N(`
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
`),be=N(`
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
`),xe=N(`
  query PrCurves($id: ID!) {
    node(id: $id) {
      ... on Evaluation {
        id
        coco { prCurves { label recall iou50 iou75 mean } }
      }
    }
  }
`);N(`
  fragment TideFields on TideError {
    type
    count
    deltaAp
  }
`);var Se=N(`
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
`),Ce=N(`
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
`);N(`
  fragment ComparedSideFields on ComparedSide {
    groundTruthCount
    predictionCount
    counts { truePositives falsePositives falseNegatives precision recall f1 }
    ap
    ap50
  }
`);var we=N(`
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
`);N(`
  fragment FlipSideFields on Match {
    id
    outcome
    iou
    confidence
    prediction { ...BoxFields confidence }
  }
`);var Te=N(`
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
`);function P({what:e}){return(0,_.jsxs)(`p`,{className:`muted`,children:[`Loading `,e,`…`]})}function F({error:e}){return(0,_.jsx)(`p`,{className:`error`,role:`alert`,children:e})}function I(e,t=3){return e==null?`—`:e.toFixed(t)}function L(e){return e<0?`n/a`:e.toFixed(3)}function R(e){return e?new Date(e).toLocaleString():`—`}function Ee(e,t){if(e===null||e.trim()===``)return t;let n=Number(e);return Number.isFinite(n)?n:t}function z(e){if(e===null||e.trim()===``)return null;let t=Number(e);return Number.isFinite(t)?t:null}function De(e){if(e<=0)return e===0?-Number.MIN_VALUE:e;let t=new DataView(new ArrayBuffer(8));return t.setFloat64(0,e),t.setBigUint64(0,t.getBigUint64(0)-1n),t.getFloat64(0)}function B(e,t,n={}){let[r,i]=(0,u.useState)(),[a,o]=(0,u.useState)(null),[s,c]=(0,u.useState)(!n.skip),[l,d]=(0,u.useState)(0),f=JSON.stringify(t),p=n.skip??!1,m=(0,u.useRef)(t);return m.current=t,(0,u.useEffect)(()=>{if(p)return;let t=new AbortController;return c(!0),g(e,m.current,t.signal).then(e=>{i(e),o(null),c(!1)},e=>{t.signal.aborted||(o(e instanceof Error?e.message:String(e)),c(!1))}),()=>{t.abort()}},[e,f,p,l]),{data:r,error:a,loading:s,reload:(0,u.useCallback)(()=>{d(e=>e+1)},[])}}function Oe(e,t){let[n,r]=(0,u.useState)(e);return(0,u.useEffect)(()=>{let n=window.setTimeout(()=>{r(e)},t);return()=>{window.clearTimeout(n)}},[e,t]),n}var V=e=>Math.min(1,Math.max(0,e));function H(){let e=E();return{iou:V(Ee(e.get(`iou`),.5)),confidence:V(Ee(e.get(`conf`),0))}}var ke=250;function Ae({iou:e,confidence:t}){let[n,r]=(0,u.useState)({iou:e,confidence:t}),[i,a]=(0,u.useState)({iou:e,confidence:t});(i.iou!==e||i.confidence!==t)&&(a({iou:e,confidence:t}),r({iou:e,confidence:t}));let o=Oe(n,ke);(0,u.useEffect)(()=>{(o.iou!==e||o.confidence!==t)&&x(D({iou:o.iou,conf:o.confidence}),{replace:!0})},[o]);let s=(e,t)=>(0,_.jsxs)(`label`,{className:`slider`,children:[(0,_.jsx)(`span`,{children:t}),(0,_.jsx)(`input`,{type:`range`,min:0,max:1,step:.01,"aria-label":`${t} slider`,"data-testid":`${e}-slider`,value:n[e],onChange:t=>{r({...n,[e]:Number(t.target.value)})}}),(0,_.jsx)(`input`,{type:`number`,min:0,max:1,step:.01,"aria-label":t,"data-testid":`${e}-input`,value:n[e],onChange:t=>{let i=Number(t.target.value);t.target.value!==``&&Number.isFinite(i)&&r({...n,[e]:V(i)})}})]});return(0,_.jsxs)(`div`,{className:`thresholds`,"data-testid":`thresholds`,children:[s(`iou`,`IoU threshold`),s(`confidence`,`confidence threshold`)]})}var je=[{key:`truePositives`,title:`TP`,read:e=>e.counts.truePositives,integer:!0,higherIsBetter:!0},{key:`falsePositives`,title:`FP`,read:e=>e.counts.falsePositives,integer:!0,higherIsBetter:!1},{key:`falseNegatives`,title:`FN`,read:e=>e.counts.falseNegatives,integer:!0,higherIsBetter:!1},{key:`precision`,title:`precision`,read:e=>e.counts.precision,integer:!1,higherIsBetter:!0},{key:`recall`,title:`recall`,read:e=>e.counts.recall,integer:!1,higherIsBetter:!0},{key:`f1`,title:`F1`,read:e=>e.counts.f1,integer:!1,higherIsBetter:!0},{key:`ap`,title:`AP`,read:e=>e.ap??null,integer:!1,higherIsBetter:!0},{key:`ap50`,title:`AP50`,read:e=>e.ap50??null,integer:!1,higherIsBetter:!0}];function Me(e,t){return e===null?`n/a`:t?String(e):I(e)}function Ne({delta:e,column:t}){if(e==null)return(0,_.jsx)(`td`,{className:`num delta muted`,children:`n/a`});let n=e!==0&&e>0===t.higherIsBetter,r=t.integer?String(e):e.toFixed(3);return(0,_.jsx)(`td`,{className:`num delta ${e===0?`same`:n?`better`:`worse`}`,"data-col":`${t.key}-delta`,children:e>0?`+${r}`:r})}function Pe({rows:e}){return(0,_.jsxs)(`div`,{className:`panel wide`,children:[(0,_.jsx)(`h2`,{children:`Per class: base · other · Δ (other − base)`}),(0,_.jsx)(`div`,{className:`scroll-x`,children:(0,_.jsxs)(`table`,{className:`data compact compare`,"data-testid":`compare-table`,children:[(0,_.jsxs)(`thead`,{children:[(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{rowSpan:2,children:`class`}),(0,_.jsx)(`th`,{rowSpan:2,className:`num`,children:`GT`}),je.map(e=>(0,_.jsx)(`th`,{colSpan:3,className:`group`,children:e.title},e.key))]}),(0,_.jsx)(`tr`,{children:je.map(e=>[(0,_.jsx)(`th`,{className:`num`,children:`base`},`${e.key}-b`),(0,_.jsx)(`th`,{className:`num`,children:`other`},`${e.key}-o`),(0,_.jsx)(`th`,{className:`num`,children:`Δ`},`${e.key}-d`)])})]}),(0,_.jsx)(`tbody`,{children:e.map(e=>(0,_.jsxs)(`tr`,{"data-label":e.label??``,className:e.label===null?`overall`:``,children:[(0,_.jsx)(`td`,{children:e.label??`all classes`}),(0,_.jsx)(`td`,{className:`num`,children:e.base.groundTruthCount}),je.map(t=>[(0,_.jsx)(`td`,{className:`num`,"data-col":`${t.key}-base`,children:Me(t.read(e.base),t.integer)},`${t.key}-b`),(0,_.jsx)(`td`,{className:`num`,"data-col":`${t.key}-other`,children:Me(t.read(e.other),t.integer)},`${t.key}-o`),(0,_.jsx)(Ne,{delta:e.delta[t.key],column:t},`${t.key}-d`)])]},e.label??``))})]})}),(0,_.jsx)(`p`,{className:`muted`,children:`TP/FP/FN and P/R/F1 at the thresholds above; AP and AP50 are each side's stored COCO numbers.`})]})}function Fe(e){return{nodes:e.edges.map(e=>e.node),totalCount:e.totalCount,endCursor:e.pageInfo.endCursor??null,hasNextPage:e.pageInfo.hasNextPage}}function Ie(){return{nodes:[],totalCount:null,endCursor:null,hasNextPage:!0,loading:!1,error:null}}function Le(e,t){let[n,r]=(0,u.useState)(Ie),i=(0,u.useRef)({busy:!1,pages:n}),a=(0,u.useRef)(t);a.current=t;let o=(0,u.useCallback)(e=>{i.current.pages=e,r(e)},[]),s=(0,u.useCallback)(()=>{let e=i.current;e.busy||!e.pages.hasNextPage||e.pages.error||(e.busy=!0,o({...e.pages,loading:!0}),a.current(e.pages.endCursor).then(t=>{if(i.current!==e)return;let n=e.pages;e.busy=!1,o({nodes:[...n.nodes,...t.nodes],totalCount:t.totalCount,endCursor:t.endCursor,hasNextPage:t.hasNextPage,loading:!1,error:null})}).catch(t=>{if(i.current!==e)return;e.busy=!1;let n=t instanceof Error?t.message:String(t);o({...e.pages,loading:!1,error:n})}))},[o]);return(0,u.useEffect)(()=>{i.current={busy:!1,pages:Ie()},r(Ie()),s()},[e,s]),{...n,loadMore:s}}function Re(e,t){let[n,r]=(0,u.useState)(null);return(0,u.useEffect)(()=>{if(!n)return;let t=new IntersectionObserver(t=>{t.some(e=>e.isIntersecting)&&e()},{rootMargin:`600px`});return t.observe(n),()=>{t.disconnect()}},[n,e,t]),r}var ze=[`#1f77b4`,`#ff7f0e`,`#2ca02c`,`#d62728`,`#9467bd`,`#8c564b`,`#e377c2`,`#7f7f7f`,`#bcbd22`,`#17becf`,`#393b79`,`#ad494a`];function Be(e){return ze[e%ze.length]??`#444`}var Ve=`#10b981`,He=`#f43f5e`,Ue=`#7c3aed`,We=`#2563eb`,Ge={CLASSIFICATION:`#e11d48`,LOCALIZATION:`#2563eb`,BOTH:`#7c3aed`,DUPLICATE:`#0891b2`,BACKGROUND:`#ea580c`,MISSED:`#65a30d`},Ke=new Map;function qe(e){let t=Ke.get(e);return t===void 0&&(t=fetch(e,{headers:{Authorization:o()}}).then(async e=>e.ok?URL.createObjectURL(await e.blob()):null).catch(()=>null),Ke.set(e,t)),t}function Je(e){let t=typeof e==`string`&&e.startsWith(`/`),[n,r]=(0,u.useState)(null);return(0,u.useEffect)(()=>{if(!t)return;let n=!0;return qe(e).then(t=>{n&&r({url:e,blob:t})}),()=>{n=!1}},[e,t]),e?t?n?.url===e?n.blob:null:e:null}function Ye(e,t){return{width:e.width??Math.max(1,...t.map(e=>e.x+e.width)),height:e.height??Math.max(1,...t.map(e=>e.y+e.height))}}function Xe(e,t,n=.5,r=96){let i=Math.min(...e.map(e=>e.x)),a=Math.min(...e.map(e=>e.y)),o=Math.max(...e.map(e=>e.x+e.width)),s=Math.max(...e.map(e=>e.y+e.height)),c=Math.min(t.width,Math.max(r,(o-i)*(1+2*n))),l=Math.min(t.height,Math.max(r,(s-a)*(1+2*n)));return{x:Math.min(Math.max(0,(i+o)/2-c/2),Math.max(0,t.width-c)),y:Math.min(Math.max(0,(a+s)/2-l/2),Math.max(0,t.height-l)),width:c,height:l}}var Ze={groundTruth:{colour:Ve,dashes:void 0},prediction:{colour:He,dashes:`6 3`},nearest:{colour:Ue,dashes:`2 2`},base:{colour:We,dashes:`6 3`}},Qe=.62,$e=1,et=.3,tt=24,nt=.8;function rt(e,t){let n=t.length*e.fontSize*Qe,r=e.anchor===`start`?e.x:e.x-n;return{left:r,right:r+n,top:e.y-$e*e.fontSize,bottom:e.y+et*e.fontSize}}function it(e,t){return e.right<=t.left||t.right<=e.left||e.bottom<=t.top||t.bottom<=e.top}function at(e,t,n,r,i){let a=Math.min(n,r.width/Math.max(1,t.length*Qe)),o=t.length*a*Qe,s=r.x,c=r.x+r.width,l=[];Math.max(s,e.x)+o<=c&&l.push({x:Math.max(s,e.x),anchor:`start`}),Math.min(c,e.x+e.width)-o>=s&&l.push({x:Math.min(c,e.x+e.width),anchor:`end`});let[u={x:s,anchor:`start`},...d]=l,f=r.y+$e*a,p=r.y+r.height-et*a,m=e.y-.25*a,h=e.y+e.height+a,g=e=>Math.min(Math.max(e,f),p),[_,v]=e.side===`prediction`?[m,h]:[h,m],y=_>=f&&_<=p?_:v>=f&&v<=p?v:g(_),b=[v,_].filter(e=>e>=f&&e<=p);if(b.push(g(e.y+a),g(e.y+e.height-.25*a)),i){let e=1.3*a*1.05;for(let t=f;t<=p+1e-9;t+=e)b.push(t)}let x=[...d.map(e=>({...e,y,fontSize:a}))];for(let e of b)x.push(...[u,...d].map(t=>({...t,y:e,fontSize:a})));return[{...u,y,fontSize:a},...x]}function ot(e,t,n){let r=e.length<=tt,i=t;for(let t=0;;t+=1){let a=[],o=[],s=!1;for(let{box:t,text:c}of e){let e=at(t,c,i,n,r),l=e.find(e=>o.every(t=>it(rt(e,c),t)));l===void 0&&(s=!0);let u=l??e[0];a.push(u),o.push(rt(u,c))}if(!s||!r||t>=5)return a;i*=nt}}function st({box:e,place:t,colour:n}){return(0,_.jsx)(`text`,{x:t.x,y:t.y,textAnchor:t.anchor,fontSize:t.fontSize,fill:n,className:`box-label`,children:e.caption??e.label})}function ct({item:e,imageUrl:t,boxes:n,showLabels:r=!0,className:i,labelSize:a=1/24,window:o}){let{width:s,height:c}=Ye(e,n),l=o??{x:0,y:0,width:s,height:c},u=Je(t),d=Math.max(l.width,l.height)*a,f=r?n.filter(e=>e.caption!==``):[],p=new Map(ot(f.map(e=>({box:e,text:e.caption??e.label})),d,l).map((e,t)=>[f[t],e]));return(0,_.jsxs)(`svg`,{className:`boxes ${i??``}`,viewBox:`${l.x} ${l.y} ${l.width} ${l.height}`,preserveAspectRatio:`xMidYMid meet`,"data-width":s,"data-height":c,role:`img`,children:[u?(0,_.jsx)(`image`,{href:u,x:0,y:0,width:s,height:c,preserveAspectRatio:`none`}):(0,_.jsx)(`rect`,{className:`blank`,x:0,y:0,width:s,height:c,"data-testid":`blank-canvas`}),n.map(e=>{let{colour:t,dashes:n}=Ze[e.side],r=p.get(e);return(0,_.jsxs)(`g`,{className:e.highlighted?`highlighted`:``,children:[(0,_.jsx)(`rect`,{"data-side":e.side,"data-box-id":e.id,x:e.x,y:e.y,width:e.width,height:e.height,fill:`none`,stroke:t,strokeWidth:e.highlighted?4:2,strokeDasharray:n,vectorEffect:`non-scaling-stroke`,children:(0,_.jsx)(`title`,{children:e.caption===void 0||e.caption===``?e.label:e.caption})}),r&&(0,_.jsx)(st,{box:e,place:r,colour:t})]},`${e.side}-${e.id}`)})]})}function lt({nearest:e=!1}){return(0,_.jsxs)(`span`,{className:`legend`,"data-testid":`legend`,children:[(0,_.jsx)(`span`,{className:`swatch`,style:{borderColor:Ve}}),` ground truth`,(0,_.jsx)(`span`,{className:`swatch dashed`,style:{borderColor:He}}),` prediction`,e&&(0,_.jsxs)(_.Fragment,{children:[(0,_.jsx)(`span`,{className:`swatch dotted`,style:{borderColor:`#7c3aed`}}),` nearest ground truth (FP)`]})]})}var U=`meta`;function W(e){let t=e.get(U);if(t===null||t.trim()===``)return{value:null,error:null};try{return{value:JSON.parse(t),error:null}}catch{return{value:null,error:`The URL's ${U}=${t} is not JSON; the page shows every item.`}}}function ut(e){return typeof e==`object`&&!!e&&!Array.isArray(e)}function dt(e){return Object.keys(e).length>0?JSON.stringify(e):null}function ft(e){try{return JSON.parse(e)}catch{return e}}function G(e){return JSON.stringify(e)}var K=[`CLASSIFICATION`,`LOCALIZATION`,`BOTH`,`DUPLICATE`,`BACKGROUND`,`MISSED`],q={CLASSIFICATION:`classification`,LOCALIZATION:`localization`,BOTH:`both`,DUPLICATE:`duplicate`,BACKGROUND:`background`,MISSED:`missed`},pt=[`UNREVIEWED`,`CONFIRMED`,`LABEL_ERROR`,`IGNORED`],J={UNREVIEWED:`unreviewed`,CONFIRMED:`confirmed`,LABEL_ERROR:`label error`,IGNORED:`ignored`};function mt(e){return K.includes(e)}function ht(e){return pt.includes(e)}var gt=[`TRUE_POSITIVE`,`FALSE_POSITIVE`,`FALSE_NEGATIVE`],Y={TRUE_POSITIVE:`TP`,FALSE_POSITIVE:`FP`,FALSE_NEGATIVE:`FN`};function _t(e){return gt.includes(e)}function vt(e){let t=(e??``).split(`,`).filter(e=>e!==``);return t.length>0?t:null}function yt(e,t){let n=vt(e)?.filter(t)??[];return n.length>0?n:null}function bt(e){return{filter:{outcomes:yt(e.get(`outcome`),_t),groundTruthLabels:vt(e.get(`gt`)),predictionLabels:vt(e.get(`pred`)),minIou:z(e.get(`minIou`)),maxIou:z(e.get(`maxIou`)),minConfidence:z(e.get(`minConf`)),maxConfidence:z(e.get(`maxConf`)),itemId:e.get(`item`),reviewStatuses:yt(e.get(`review`),ht),errorTypes:yt(e.get(`errorType`),mt),itemMetadata:W(e).value},order:{field:e.get(`sort`)===`conf`?`CONFIDENCE`:`IOU`,direction:e.get(`order`)===`asc`?`ASC`:`DESC`}}}function xt(e,t){let n=e.prediction;if(!n)return[];let r=n.confidence===null?``:` ${n.confidence.toFixed(2)}`;return[{...n,side:t,caption:`${n.label}${r}`}]}function St({name:e,side:t}){return(0,_.jsxs)(`span`,{"data-testid":`flip-${e}`,"data-outcome":t.outcome,children:[e,`: `,(0,_.jsx)(`span`,{className:`badge ${t.outcome}`,children:Y[t.outcome]}),` IoU `,I(t.iou,2)]})}function Ct({flip:e,otherId:t,thresholds:n,zoom:r}){let i=[{...e.groundTruth,side:`groundTruth`},...xt(e.base,`base`),...xt(e.other,`prediction`)],a=`${k.item(t,e.item.id)}?iou=${n.iou}&conf=${n.confidence}`;return(0,_.jsxs)(`article`,{className:`tile`,"data-testid":`flip`,"data-kind":e.kind,"data-ground-truth-id":e.groundTruth.id,"data-annotation-id":e.groundTruth.annotationId,children:[(0,_.jsx)(O,{to:a,title:`the item in the other evaluation`,children:(0,_.jsx)(ct,{item:e.item,imageUrl:r?e.item.imageUrl:e.item.thumbnailUrl,boxes:i,showLabels:!1,window:r?Xe(i,Ye(e.item,i)):null})}),(0,_.jsxs)(`div`,{className:`caption`,children:[(0,_.jsx)(`span`,{className:`badge flip ${e.kind}`,children:e.kind===`FIXED`?`fixed`:`broken`}),(0,_.jsx)(`span`,{children:e.groundTruth.label}),(0,_.jsx)(St,{name:`base`,side:e.base}),(0,_.jsx)(St,{name:`other`,side:e.other}),(0,_.jsx)(`span`,{className:`muted ref`,children:e.item.referenceId})]})]})}var wt=40,Tt=[`FIXED`,`BROKEN`];function Et({baseId:e,otherId:t,thresholds:n,kinds:r}){let i={baseId:e,otherId:t,iou:n.iou,confidence:n.confidence,kinds:r};return Le(JSON.stringify(i),async e=>{let t=(await g(Te,{...i,first:wt,after:e})).compareEvaluations;if(t.__typename!==`EvaluationComparison`)throw Error(t.message);return Fe(t.flips)})}function Dt(e){let t=Et(e),n=Re(t.loadMore,t.nodes.length),r=e.kinds??[];return(0,_.jsxs)(`div`,{className:`panel wide`,"data-testid":`flips`,children:[(0,_.jsxs)(`h2`,{children:[`Flips`,` `,(0,_.jsx)(`span`,{className:`count`,"data-testid":`flip-count`,children:t.totalCount===null?`…`:`${t.totalCount} ground truths`})]}),(0,_.jsx)(`p`,{className:`muted`,children:`FIXED: missed by the base, found by the other. BROKEN: the reverse. Boxes: ground truth, the base's prediction (blue) and the other's (red).`}),(0,_.jsxs)(`fieldset`,{className:`row`,children:[(0,_.jsx)(`legend`,{children:`kind`}),Tt.map(e=>(0,_.jsxs)(`label`,{children:[(0,_.jsx)(`input`,{type:`checkbox`,name:`kind-${e}`,checked:r.includes(e),onChange:()=>{x(D({kinds:(r.includes(e)?r.filter(t=>t!==e):[...r,e]).join(`,`)||null}),{replace:!0})}}),` `,e.toLowerCase()]},e)),(0,_.jsxs)(`label`,{children:[(0,_.jsx)(`input`,{type:`checkbox`,name:`zoom`,checked:e.zoom,onChange:()=>{x(D({zoom:e.zoom?null:`1`}),{replace:!0})}}),` `,`zoom on the boxes`]})]}),t.error&&(0,_.jsx)(F,{error:t.error}),(0,_.jsx)(`div`,{className:`gallery`,children:t.nodes.map(t=>(0,_.jsx)(Ct,{flip:t,otherId:e.otherId,thresholds:e.thresholds,zoom:e.zoom},`${t.kind}-${t.groundTruth.id}`))}),t.totalCount===0&&(0,_.jsx)(`p`,{className:`muted`,children:`No ground truth flips at these thresholds.`}),(0,_.jsx)(`div`,{ref:n,className:`sentinel`,children:t.loading?`loading…`:t.hasNextPage?``:t.nodes.length>0?`end of the flips`:``})]})}function Ot(e){let t=Tt.filter(t=>(e??``).split(`,`).includes(t));return t.length>0?t:null}function kt({name:e,evaluation:t}){return(0,_.jsxs)(`div`,{className:`stat compare-side`,"data-testid":`compare-${e}`,children:[(0,_.jsx)(`div`,{className:`label`,children:e}),(0,_.jsx)(`div`,{children:(0,_.jsx)(O,{to:k.evaluation(t.id),children:t.model.name})}),(0,_.jsxs)(`div`,{className:`label`,children:[R(t.completedAt??t.createdAt),` · `,t.classAgnostic?`class-agnostic`:`class-aware`,t.isCurrent?``:` · superseded`]})]})}function At(){let e=E(),t=e.get(`base`)??``,n=e.get(`other`)??``,r=Ot(e.get(`kinds`)),i=H(),{data:a,error:o,loading:s}=B(we,{baseId:t,otherId:n,iou:i.iou,confidence:i.confidence},{skip:t===``||n===``});if(t===``||n===``)return(0,_.jsx)(F,{error:`Pick two evaluations on a dataset's page to compare them.`});if(o)return(0,_.jsx)(F,{error:o});if(!a)return(0,_.jsx)(P,{what:`the comparison`});let c=a.compareEvaluations;return c.__typename===`EvaluationComparison`?(0,_.jsxs)(`section`,{"data-testid":`compare`,children:[(0,_.jsxs)(`h1`,{children:[`Compare on `,(0,_.jsx)(O,{to:k.dataset(c.base.dataset.id),children:c.base.dataset.name})]}),(0,_.jsxs)(`div`,{className:`row`,children:[(0,_.jsx)(kt,{name:`base`,evaluation:c.base}),(0,_.jsx)(O,{to:D({base:n,other:t}),className:`button`,title:`swap base and other`,children:`⇄ swap`}),(0,_.jsx)(kt,{name:`other`,evaluation:c.other})]}),(0,_.jsxs)(`div`,{className:`sticky-bar`,children:[(0,_.jsx)(Ae,{iou:i.iou,confidence:i.confidence}),s&&(0,_.jsx)(`span`,{className:`muted`,children:`updating…`})]}),(0,_.jsx)(Pe,{rows:c.metrics}),(0,_.jsx)(Dt,{baseId:t,otherId:n,thresholds:i,kinds:r,zoom:e.get(`zoom`)===`1`})]}):(0,_.jsx)(F,{error:c.message})}function jt(){let{data:e,error:t}=B(ae,{first:100});if(t)return(0,_.jsx)(F,{error:t});if(!e)return(0,_.jsx)(P,{what:`datasets`});let n=e.datasets.edges.map(e=>e.node);return(0,_.jsxs)(`section`,{children:[(0,_.jsx)(`h1`,{children:`Datasets`}),n.length===0?(0,_.jsxs)(`p`,{className:`muted`,children:[`No dataset yet: load one with `,(0,_.jsx)(`code`,{children:`matchscope import-coco`}),` or start the server with`,` `,(0,_.jsx)(`code`,{children:`--demo`}),`.`]}):(0,_.jsxs)(`table`,{className:`data`,"data-testid":`datasets`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{children:`name`}),(0,_.jsx)(`th`,{className:`num`,children:`items`}),(0,_.jsx)(`th`,{className:`num`,children:`annotations`}),(0,_.jsx)(`th`,{className:`num`,children:`labels`}),(0,_.jsx)(`th`,{children:`created`})]})}),(0,_.jsx)(`tbody`,{children:n.map(e=>(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`td`,{children:(0,_.jsx)(O,{to:k.dataset(e.id),children:e.name})}),(0,_.jsx)(`td`,{className:`num`,children:e.itemCount}),(0,_.jsx)(`td`,{className:`num`,children:e.annotationCount}),(0,_.jsx)(`td`,{className:`num`,title:e.labels.join(`, `),children:e.labels.length}),(0,_.jsx)(`td`,{children:R(e.createdAt)})]},e.id))})]})]})}function Mt({datasetId:e,labels:t,models:n}){let[r,i]=(0,u.useState)(n[0]?.id??``),[a,o]=(0,u.useState)(!0),[s,c]=(0,u.useState)([]),[l,d]=(0,u.useState)(null),[f,p]=(0,u.useState)(!1),m=(e,t)=>{c(n=>n.map((n,r)=>r===e?{...n,...t}:n))},h=()=>{o(!1),c(e=>[...e,{groundTruthLabel:t[0]??``,modelPredictionLabel:t[0]??``}])},v=async t=>{t.preventDefault(),d(null),p(!0);let n=s.length>0?{classAgnostic:!1,allowedLabelMatches:s}:{classAgnostic:a};try{let t=(await g(ue,{datasetId:e,modelId:r,options:n})).calculateEvaluationMetrics;if(t.__typename===`AsyncJob`){x(k.job(t.id));return}if(t.__typename===`ValidationError`){let e=t.errors.map(e=>`${e.field} = ${e.value}: ${e.message}`).join(`; `);d(`${t.message}${t.field?` (${t.field})`:``}${e?` — ${e}`:``}`)}else d(t.message)}catch(e){d(e instanceof Error?e.message:String(e))}finally{p(!1)}};return(0,_.jsxs)(`form`,{className:`panel`,"aria-label":`Calculate evaluation metrics`,onSubmit:e=>{v(e)},children:[(0,_.jsx)(`h2`,{children:`Calculate evaluation metrics`}),(0,_.jsxs)(`div`,{className:`row`,children:[(0,_.jsxs)(`label`,{children:[`model`,` `,(0,_.jsx)(`select`,{name:`model`,value:r,onChange:e=>{i(e.target.value)},children:n.map(e=>(0,_.jsx)(`option`,{value:e.id,children:e.name},e.id))})]}),(0,_.jsxs)(`label`,{title:`Any ground truth may match any prediction; off: labels must be equal or an allowed pair`,children:[(0,_.jsx)(`input`,{type:`checkbox`,name:`classAgnostic`,checked:a&&s.length===0,disabled:s.length>0,onChange:e=>{o(e.target.checked)}}),` `,`class-agnostic matching`]})]}),(0,_.jsxs)(`fieldset`,{children:[(0,_.jsx)(`legend`,{children:`Allowed label pairs (ground truth → prediction)`}),s.length===0&&(0,_.jsx)(`p`,{className:`muted`,children:`None: labels match only when equal (unless class-agnostic).`}),(0,_.jsx)(`datalist`,{id:`label-options`,children:t.map(e=>(0,_.jsx)(`option`,{value:e},e))}),s.map((e,t)=>(0,_.jsxs)(`div`,{className:`row`,"data-testid":`label-pair`,children:[(0,_.jsx)(`input`,{"aria-label":`ground-truth label`,list:`label-options`,value:e.groundTruthLabel,onChange:e=>{m(t,{groundTruthLabel:e.target.value})}}),`→`,(0,_.jsx)(`input`,{"aria-label":`prediction label`,list:`label-options`,value:e.modelPredictionLabel,onChange:e=>{m(t,{modelPredictionLabel:e.target.value})}}),(0,_.jsx)(`button`,{type:`button`,onClick:()=>{c(e=>e.filter((e,n)=>n!==t))},children:`remove`})]},t)),(0,_.jsx)(`button`,{type:`button`,onClick:h,children:`add a pair`})]}),l&&(0,_.jsx)(`p`,{className:`error`,role:`alert`,children:l}),(0,_.jsx)(`button`,{type:`submit`,disabled:f||r===``,children:f?`Starting…`:`Calculate evaluation metrics`})]})}var Nt=50;function Pt({side:e,evaluationId:t,chosen:n}){return(0,_.jsx)(`input`,{type:`radio`,name:`compare-${e}`,"aria-label":`compare: ${e}`,checked:n===t,onChange:()=>{x(D({[e]:t}),{replace:!0})}})}function Ft({datasetId:e}){let{data:t,error:n}=B(be,{datasetId:e,first:Nt}),r=E(),i=r.get(`base`),a=r.get(`other`);if(n)return(0,_.jsx)(F,{error:n});if(!t)return(0,_.jsx)(P,{what:`evaluations`});let o=t.evaluations.edges.map(e=>e.node);if(o.length===0)return(0,_.jsx)(`p`,{className:`muted`,children:`No evaluation yet: calculate one below.`});let s=i!==null&&a!==null&&i!==a;return(0,_.jsxs)(_.Fragment,{children:[(0,_.jsxs)(`table`,{className:`data`,"data-testid":`evaluation-history`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{title:`compare: the base evaluation`,children:`base`}),(0,_.jsx)(`th`,{title:`compare: the other evaluation`,children:`other`}),(0,_.jsx)(`th`,{children:`computed`}),(0,_.jsx)(`th`,{children:`model`}),(0,_.jsx)(`th`,{children:`matching`}),(0,_.jsx)(`th`,{children:`state`}),(0,_.jsx)(`th`,{className:`num`,children:`COCO AP`}),(0,_.jsx)(`th`,{className:`num`,children:`AP50`})]})}),(0,_.jsx)(`tbody`,{children:o.map(e=>(0,_.jsxs)(`tr`,{"data-current":e.isCurrent,"data-evaluation-id":e.id,children:[(0,_.jsx)(`td`,{children:(0,_.jsx)(Pt,{side:`base`,evaluationId:e.id,chosen:i})}),(0,_.jsx)(`td`,{children:(0,_.jsx)(Pt,{side:`other`,evaluationId:e.id,chosen:a})}),(0,_.jsx)(`td`,{children:(0,_.jsx)(O,{to:k.evaluation(e.id),children:R(e.completedAt??e.createdAt)})}),(0,_.jsx)(`td`,{children:e.model.name}),(0,_.jsx)(`td`,{children:e.classAgnostic?`class-agnostic`:`class-aware`}),(0,_.jsxs)(`td`,{children:[e.isCurrent?`current`:`superseded`,e.isStale&&(0,_.jsx)(`span`,{className:`badge stale`,children:`stale`})]}),(0,_.jsx)(`td`,{className:`num`,children:L(e.coco.overall.ap)}),(0,_.jsx)(`td`,{className:`num`,children:L(e.coco.overall.ap50)})]},e.id))})]}),(0,_.jsx)(`p`,{className:`row`,children:s?(0,_.jsx)(O,{className:`button`,to:k.compare(i,a),"data-testid":`compare-link`,children:`Compare the two →`}):(0,_.jsx)(`span`,{className:`muted`,children:`Pick a base and another evaluation to compare them.`})})]})}function It({datasetId:e,model:t}){let{data:n,error:r}=B(se,{datasetId:e,modelId:t.id}),i=n?.evaluation,a=(0,_.jsxs)(`td`,{children:[t.name,` `,(0,_.jsxs)(`span`,{className:`muted`,children:[`(`,t.referenceId,`)`]})]});if(r)return(0,_.jsxs)(`tr`,{children:[a,(0,_.jsx)(`td`,{colSpan:8,className:`error`,children:r})]});if(!n||!i)return(0,_.jsxs)(`tr`,{children:[a,(0,_.jsx)(`td`,{colSpan:8,className:`muted`,children:n?`not evaluated yet`:`…`})]});let o=i.metrics.overall,s=i.classAgnostic?`class-agnostic`:`class-aware${i.allowedLabelMatches.length?` + ${i.allowedLabelMatches.length} pairs`:``}`;return(0,_.jsxs)(`tr`,{"data-model":t.name,children:[a,(0,_.jsxs)(`td`,{children:[(0,_.jsx)(O,{to:k.evaluation(i.id),children:`open`}),i.isStale&&(0,_.jsx)(`span`,{className:`badge stale`,title:`Annotations or predictions changed after it was computed`,children:`stale`})]}),(0,_.jsx)(`td`,{children:s}),(0,_.jsx)(`td`,{className:`num`,children:I(o.precision)}),(0,_.jsx)(`td`,{className:`num`,children:I(o.recall)}),(0,_.jsx)(`td`,{className:`num`,children:I(o.f1)}),(0,_.jsx)(`td`,{className:`num`,children:L(i.coco.overall.ap)}),(0,_.jsx)(`td`,{className:`num`,children:L(i.coco.overall.ap50)}),(0,_.jsx)(`td`,{children:R(i.completedAt??i.createdAt)})]})}var Lt=25;function Rt({url:e}){let t=Je(e);return t?(0,_.jsx)(`img`,{className:`thumb`,src:t,alt:``}):(0,_.jsx)(`span`,{className:`muted`,children:`—`})}function zt({datasetId:e}){let t=E().get(`itemsAfter`),{data:n,error:r}=B(oe,{id:e,itemsFirst:Lt,itemsAfter:t});if(r)return(0,_.jsx)(F,{error:r});if(!n)return(0,_.jsx)(P,{what:`the dataset`});let i=n.dataset;if(!i)return(0,_.jsx)(F,{error:`No dataset ${e} is visible with this key.`});let a=n.models.edges.map(e=>e.node),o=i.items;return(0,_.jsxs)(`section`,{children:[(0,_.jsx)(`h1`,{children:i.name}),(0,_.jsxs)(`p`,{className:`muted`,children:[i.itemCount,` items · `,i.annotationCount,` ground-truth boxes · `,i.labels.length,` labels · created `,R(i.createdAt)]}),(0,_.jsx)(`h2`,{children:`Models and their evaluations`}),a.length===0?(0,_.jsx)(`p`,{className:`muted`,children:`No model yet.`}):(0,_.jsxs)(`table`,{className:`data`,"data-testid":`models`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{children:`model`}),(0,_.jsx)(`th`,{children:`current evaluation`}),(0,_.jsx)(`th`,{children:`matching`}),(0,_.jsx)(`th`,{className:`num`,children:`precision`}),(0,_.jsx)(`th`,{className:`num`,children:`recall`}),(0,_.jsx)(`th`,{className:`num`,children:`F1`}),(0,_.jsx)(`th`,{className:`num`,children:`COCO AP`}),(0,_.jsx)(`th`,{className:`num`,children:`AP50`}),(0,_.jsx)(`th`,{children:`computed`})]})}),(0,_.jsx)(`tbody`,{children:a.map(e=>(0,_.jsx)(It,{datasetId:i.id,model:e},e.id))})]}),(0,_.jsx)(`h2`,{children:`Evaluation history`}),(0,_.jsx)(Ft,{datasetId:i.id}),(0,_.jsx)(Mt,{datasetId:i.id,labels:i.labels,models:a}),(0,_.jsx)(`h2`,{children:`Items`}),(0,_.jsxs)(`table`,{className:`data`,"data-testid":`items`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{children:`image`}),(0,_.jsx)(`th`,{children:`reference id`}),(0,_.jsx)(`th`,{className:`num`,children:`width`}),(0,_.jsx)(`th`,{className:`num`,children:`height`}),(0,_.jsx)(`th`,{children:`location`})]})}),(0,_.jsx)(`tbody`,{children:o.edges.map(({node:e})=>(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`td`,{children:(0,_.jsx)(Rt,{url:e.thumbnailUrl})}),(0,_.jsx)(`td`,{children:e.referenceId}),(0,_.jsx)(`td`,{className:`num`,children:e.width??`—`}),(0,_.jsx)(`td`,{className:`num`,children:e.height??`—`}),(0,_.jsx)(`td`,{className:`muted`,children:e.imageLocation??`none`})]},e.id))})]}),(0,_.jsxs)(`nav`,{className:`pager`,children:[(0,_.jsxs)(`span`,{className:`muted`,children:[o.totalCount,` items`]}),t&&(0,_.jsx)(O,{to:D({itemsAfter:null}),children:`first page`}),o.pageInfo.hasNextPage&&o.pageInfo.endCursor&&(0,_.jsx)(O,{to:D({itemsAfter:o.pageInfo.endCursor}),children:`next page →`})]})]})}function Bt(e){if(typeof e!=`string`)return G(e);try{return JSON.parse(e),G(e)}catch{return e}}function Vt(e){let t=new Map;for(let n of e)if(ut(n))for(let[e,r]of Object.entries(n)){if(typeof r==`object`&&r)continue;let n=t.get(e)??new Set;n.add(Bt(r)),t.set(e,n)}return new Map([...t].sort(([e],[t])=>e.localeCompare(t)).map(([e,t])=>[e,[...t].sort()]))}function Ht(e,t){let{data:n}=B(ce,{id:e},{skip:!t});return Vt(n?.dataset?.items.edges.map(e=>e.node.metadata)??[])}function Ut(e){x(D({[U]:e===null?null:dt(e),open:null}),{replace:!0})}function Wt({name:e,text:t,onRemove:n}){return(0,_.jsxs)(`span`,{className:`chip`,"data-testid":`slice-chip`,"data-key":e,children:[t,(0,_.jsx)(`button`,{type:`button`,onClick:n,"aria-label":`remove ${t} from the slice`,children:`×`})]})}function Gt({slice:e,datasetId:t}){let[n,r]=(0,u.useState)(``),[i,a]=(0,u.useState)(``),[o,s]=(0,u.useState)(!1),c=Ht(t,o),l=(0,u.useId)(),d=(0,u.useId)(),f=ut(e.value)?e.value:null;return(0,_.jsxs)(`form`,{className:`slice`,"aria-label":`slice`,"data-testid":`slice`,onSubmit:e=>{e.preventDefault(),n!==``&&(Ut({...f??{},[n]:ft(i)}),r(``),a(``))},children:[(0,_.jsx)(`span`,{className:`slice-title`,title:`entries and metrics of the items whose metadata has these values`,children:`slice (item metadata)`}),f&&Object.entries(f).map(([e,t])=>(0,_.jsx)(Wt,{name:e,text:`${e} = ${G(t)}`,onRemove:()=>{Ut(Object.fromEntries(Object.entries(f).filter(([t])=>t!==e)))}},e)),e.value!==null&&!f&&(0,_.jsx)(Wt,{name:``,text:G(e.value),onRemove:()=>{Ut(null)}}),(0,_.jsx)(`input`,{name:`slice-key`,"aria-label":`metadata key`,placeholder:`key`,list:l,onFocus:()=>{s(!0)},value:n,onChange:e=>{r(e.target.value)}}),(0,_.jsx)(`span`,{children:`=`}),(0,_.jsx)(`input`,{name:`slice-value`,"aria-label":`metadata value`,placeholder:`value (2, "2", true, null)`,list:d,onFocus:()=>{s(!0)},value:i,onChange:e=>{a(e.target.value)}}),(0,_.jsx)(`button`,{type:`submit`,disabled:n===``,children:`add`}),(0,_.jsx)(`datalist`,{id:l,"data-testid":`slice-keys`,children:[...c.keys()].map(e=>(0,_.jsx)(`option`,{value:e},e))}),(0,_.jsx)(`datalist`,{id:d,"data-testid":`slice-values`,children:(c.get(n)??[]).map(e=>(0,_.jsx)(`option`,{value:e},e))})]})}function X(e,t,n){let r=new URLSearchParams({iou:String(t.iou),conf:String(t.confidence)}),i=new URLSearchParams(window.location.search).get(U);i!==null&&!(`meta`in n)&&r.set(U,i);for(let[e,t]of Object.entries(n))t!=null&&r.set(e,String(t));return`${k.entries(e)}?${r.toString()}`}function Kt({jobId:e}){let{data:t}=B(de,{id:e}),n=t?.job;return n?(0,_.jsxs)(`p`,{className:`panel banner`,"data-testid":`job-banner`,"data-status":n.status,children:[`Job `,n.status,`: `,n.completedSteps,` / `,n.totalSteps,` items (`,Math.round(n.progress*100),`%)`,n.errors.length>0&&` — ${n.errors.join(`; `)}`]}):null}var qt=[[`label`,`class`],[`groundTruthCount`,`GT`],[`predictionCount`,`pred`],[`truePositives`,`TP`],[`falsePositives`,`FP`],[`falseNegatives`,`FN`],[`precision`,`precision`],[`recall`,`recall`],[`f1`,`F1`],[`ap`,`AP`],[`ap50`,`AP50`]];function Jt(e){return qt.some(([t])=>t===e)}function Yt({evaluationId:e,metrics:t,coco:n,thresholds:r}){let i=E(),a=i.get(`sort`),o=Jt(a)?a:`label`,s=i.get(`dir`)===`desc`,c=new Map(n.perClass.map(e=>[e.label,e.stats])),l=t.perClass.map(e=>({label:e.label,groundTruthCount:e.groundTruthCount,predictionCount:e.predictionCount,...e.counts,ap:c.get(e.label)?.ap??-1,ap50:c.get(e.label)?.ap50??-1}));l.sort((e,t)=>{let n=e[o],r=t[o],i=typeof n==`string`&&typeof r==`string`?n.localeCompare(r):Number(n)-Number(r);return s?-i:i});let u=e=>D({sort:e,dir:e===o&&!s?`desc`:`asc`});return(0,_.jsxs)(`div`,{className:`panel`,children:[(0,_.jsx)(`h2`,{children:`Per class`}),(0,_.jsxs)(`table`,{className:`data`,"data-testid":`class-table`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsx)(`tr`,{children:qt.map(([e,t])=>(0,_.jsx)(`th`,{className:e===`label`?``:`num`,"aria-sort":o===e?s?`descending`:`ascending`:`none`,children:(0,_.jsxs)(`button`,{type:`button`,className:`link`,onClick:()=>{x(u(e),{replace:!0})},children:[t,o===e?s?` ▼`:` ▲`:``]})},e))})}),(0,_.jsx)(`tbody`,{children:l.map(t=>(0,_.jsxs)(`tr`,{"data-label":t.label,children:[(0,_.jsx)(`td`,{children:t.label}),(0,_.jsx)(`td`,{className:`num`,children:t.groundTruthCount}),(0,_.jsx)(`td`,{className:`num`,children:t.predictionCount}),(0,_.jsx)(`td`,{className:`num`,"data-col":`tp`,children:(0,_.jsx)(O,{to:X(e,r,{outcome:`TRUE_POSITIVE`,gt:t.label}),children:t.truePositives})}),(0,_.jsx)(`td`,{className:`num`,"data-col":`fp`,children:(0,_.jsx)(O,{to:X(e,r,{outcome:`FALSE_POSITIVE`,pred:t.label}),children:t.falsePositives})}),(0,_.jsx)(`td`,{className:`num`,"data-col":`fn`,children:(0,_.jsx)(O,{to:X(e,r,{outcome:`FALSE_NEGATIVE`,gt:t.label}),children:t.falseNegatives})}),(0,_.jsx)(`td`,{className:`num`,children:I(t.precision)}),(0,_.jsx)(`td`,{className:`num`,children:I(t.recall)}),(0,_.jsx)(`td`,{className:`num`,children:I(t.f1)}),(0,_.jsx)(`td`,{className:`num`,children:L(t.ap)}),(0,_.jsx)(`td`,{className:`num`,children:L(t.ap50)})]},t.label))})]}),(0,_.jsxs)(`p`,{className:`muted`,children:[`TP/FP/FN and P/R/F1 at the thresholds above; AP and AP50 are COCO's (threshold-free).`,` `,(0,_.jsx)(O,{to:X(e,r,{}),children:`All entries →`})]})]})}var Xt=[[`ap`,`AP @[IoU=0.50:0.95 | area=all | maxDets=100]`],[`ap50`,`AP @[IoU=0.50 | area=all | maxDets=100]`],[`ap75`,`AP @[IoU=0.75 | area=all | maxDets=100]`],[`apSmall`,`AP @[IoU=0.50:0.95 | area=small | maxDets=100]`],[`apMedium`,`AP @[IoU=0.50:0.95 | area=medium | maxDets=100]`],[`apLarge`,`AP @[IoU=0.50:0.95 | area=large | maxDets=100]`],[`ar1`,`AR @[IoU=0.50:0.95 | area=all | maxDets=1]`],[`ar10`,`AR @[IoU=0.50:0.95 | area=all | maxDets=10]`],[`ar100`,`AR @[IoU=0.50:0.95 | area=all | maxDets=100]`],[`arSmall`,`AR @[IoU=0.50:0.95 | area=small | maxDets=100]`],[`arMedium`,`AR @[IoU=0.50:0.95 | area=medium | maxDets=100]`],[`arLarge`,`AR @[IoU=0.50:0.95 | area=large | maxDets=100]`]];function Zt({overall:e,slice:t}){return(0,_.jsxs)(`div`,{className:`panel`,children:[(0,_.jsx)(`h2`,{children:`COCO summary`}),t?.error&&(0,_.jsx)(F,{error:t.error}),t&&!t.error&&!t.overall&&(0,_.jsx)(P,{what:`the slice's COCO metrics`}),(0,_.jsxs)(`table`,{className:`data compact`,"data-testid":`coco-summary`,children:[t&&(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{}),(0,_.jsx)(`th`,{className:`num`,children:`slice`}),(0,_.jsx)(`th`,{className:`num`,children:`whole`})]})}),(0,_.jsx)(`tbody`,{children:Xt.map(([n,r])=>(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`td`,{children:r}),t&&(0,_.jsx)(`td`,{className:`num`,"data-slice-stat":n,children:t.overall?L(t.overall[n]):`…`}),(0,_.jsx)(`td`,{className:t?`num muted`:`num`,"data-stat":n,children:L(e[n])})]},n))})]})]})}var Qt=`background`,$t=`missed`;function en(e,t,n){return e===Qt?{outcome:`FALSE_POSITIVE`,pred:t,maxIou:De(n)}:t===$t?{outcome:`FALSE_NEGATIVE`,gt:e,maxIou:De(n)}:{outcome:`TRUE_POSITIVE,FALSE_POSITIVE`,gt:e,pred:t,minIou:n}}function tn({evaluationId:e,matrix:t,thresholds:n}){let r=Math.max(1,...t.counts.flat());return(0,_.jsxs)(`div`,{className:`panel wide`,children:[(0,_.jsx)(`h2`,{children:`Confusion matrix`}),(0,_.jsx)(`p`,{className:`muted`,children:`Rows: ground-truth label (and background: predictions without a pair reaching the IoU threshold). Columns: predicted label (and missed). Click a cell to see its entries.`}),(0,_.jsx)(`div`,{className:`scroll-x`,children:(0,_.jsxs)(`table`,{className:`confusion`,"data-testid":`confusion-matrix`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{className:`corner`,children:`GT ╲ pred`}),t.columnLabels.map(e=>(0,_.jsx)(`th`,{className:`column-label`,children:(0,_.jsx)(`span`,{children:e})},e))]})}),(0,_.jsx)(`tbody`,{children:t.rowLabels.map((i,a)=>(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{scope:`row`,children:i}),t.columnLabels.map((o,s)=>{let c=t.counts[a]?.[s]??0,l=i===o,u=c===0?0:.12+c/r*.88;return(0,_.jsx)(`td`,{"data-row":i,"data-column":o,"data-count":c,style:{backgroundColor:`rgba(${l?`34, 139, 84`:`214, 69, 65`}, ${u.toFixed(3)})`},className:u>.55?`dark`:``,children:c===0||i===Qt&&o===$t?(0,_.jsx)(`span`,{className:`zero`,children:c===0?`·`:c}):(0,_.jsx)(O,{to:X(e,n,en(i,o,n.iou)),title:`${i} → ${o}: ${c}`,children:c})},o)})]},i))})]})}),n.confidence>0&&(0,_.jsx)(`p`,{className:`muted`,children:`At a confidence threshold above 0, a missed cell also counts ground truths whose partner fell below it; its link lists those with IoU under the threshold.`})]})}function nn({evaluationId:e,items:t,thresholds:n}){let r=`?iou=${n.iou}&conf=${n.confidence}`;return(0,_.jsxs)(`div`,{className:`panel`,children:[(0,_.jsx)(`h2`,{children:`Items with most errors`}),(0,_.jsxs)(`p`,{className:`muted`,children:[t.totalCount,` items have at least one error at these thresholds.`]}),(0,_.jsxs)(`table`,{className:`data compact`,"data-testid":`worst-items`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{children:`item`}),(0,_.jsx)(`th`,{className:`num`,children:`FP`}),(0,_.jsx)(`th`,{className:`num`,children:`FN`}),(0,_.jsx)(`th`,{className:`num`,children:`errors`})]})}),(0,_.jsx)(`tbody`,{children:t.edges.map(({node:t})=>(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`td`,{children:(0,_.jsx)(O,{to:`${k.item(e,t.item.id)}${r}`,children:t.item.referenceId})}),(0,_.jsx)(`td`,{className:`num`,children:t.falsePositives}),(0,_.jsx)(`td`,{className:`num`,children:t.falseNegatives}),(0,_.jsx)(`td`,{className:`num`,children:t.errors})]},t.item.id))})]})]})}function rn({counts:e}){let t=[[`tp`,`true positives`,String(e.truePositives)],[`fp`,`false positives`,String(e.falsePositives)],[`fn`,`false negatives`,String(e.falseNegatives)],[`precision`,`precision`,I(e.precision)],[`recall`,`recall`,I(e.recall)],[`f1`,`F1`,I(e.f1)]];return(0,_.jsx)(`div`,{className:`stat-row`,"data-testid":`overall`,children:t.map(([e,t,n])=>(0,_.jsxs)(`div`,{className:`stat`,children:[(0,_.jsx)(`div`,{className:`value`,"data-testid":`overall-${e}`,children:n}),(0,_.jsx)(`div`,{className:`label`,children:t})]},e))})}async function an(e){let t=[],n=null;for(;;){let r=(await g(le,{id:e,after:n})).node;if(!r||!(`labelErrors`in r))throw Error(`No such evaluation is visible with this key.`);if(t.push(...r.labelErrors.edges.map(e=>e.node.coco)),!r.labelErrors.pageInfo.hasNextPage)return t;n=r.labelErrors.pageInfo.endCursor??null}}function on(e,t){let n=URL.createObjectURL(new Blob([t],{type:`application/json`})),r=document.createElement(`a`);r.href=n,r.download=e,r.click(),URL.revokeObjectURL(n)}function sn({evaluationId:e,fileName:t}){let[n,r]=(0,u.useState)(!1),[i,a]=(0,u.useState)(null);return(0,_.jsxs)(`p`,{children:[(0,_.jsx)(`button`,{type:`button`,onClick:()=>{r(!0),a(null),an(e).then(e=>{on(t,`${JSON.stringify(e,null,2)}\n`),r(!1)},e=>{a(e instanceof Error?e.message:String(e)),r(!1)})},disabled:n,"data-testid":`download-label-errors`,children:n?`Reading the label errors…`:`Download label errors (COCO-style JSON)`}),` `,(0,_.jsxs)(`span`,{className:`muted`,children:[`every LABEL_ERROR review of this dataset and model, as `,(0,_.jsx)(`code`,{children:`matchscope label-errors`}),` writes them`]}),i&&(0,_.jsx)(F,{error:i})]})}var cn=[[`TRUE_POSITIVE`,`truePositives`,`TP`],[`FALSE_POSITIVE`,`falsePositives`,`FP`],[`FALSE_NEGATIVE`,`falseNegatives`,`FN`]];function ln({evaluationId:e,reviews:t,thresholds:n,labelErrorsFile:r}){return(0,_.jsxs)(`div`,{className:`panel`,children:[(0,_.jsx)(`h2`,{children:`Reviews`}),(0,_.jsxs)(`table`,{className:`data compact`,"data-testid":`review-counts`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{children:`status`}),cn.map(([e,,t])=>(0,_.jsx)(`th`,{className:`num`,children:t},e)),(0,_.jsx)(`th`,{className:`num`,children:`total`})]})}),(0,_.jsx)(`tbody`,{children:t.map(t=>(0,_.jsxs)(`tr`,{"data-status":t.status,children:[(0,_.jsx)(`td`,{children:J[t.status]}),cn.map(([r,i])=>(0,_.jsx)(`td`,{className:`num`,"data-col":i,children:t[i]===0?(0,_.jsx)(`span`,{className:`muted`,children:`0`}):(0,_.jsx)(O,{to:X(e,n,{outcome:r,review:t.status}),children:t[i]})},r)),(0,_.jsx)(`td`,{className:`num`,"data-col":`total`,children:t.total})]},t.status))})]}),(0,_.jsx)(sn,{evaluationId:e,fileName:r})]})}var un={iou:.5,confidence:0};function dn(e,t,n,r){let i={errorType:t,meta:n};return t!==`MISSED`&&(i.sort=`conf`),r!==void 0&&(t===`MISSED`?i.gt=r:i.pred=r),X(e,un,i)}function fn(e){return new Map(e.map(e=>[e.type,e]))}function pn({scope:e,errors:t}){let n=fn(t),r=Math.max(1e-9,...t.map(e=>e.deltaAp));return(0,_.jsx)(`ul`,{className:`tide-bars`,"data-testid":`tide-bars`,children:K.map(t=>{let i=n.get(t)??{type:t,count:0,deltaAp:0};return(0,_.jsx)(`li`,{children:(0,_.jsxs)(O,{to:dn(e.evaluationId,t,e.meta),title:`the ${q[t]} errors in the gallery (IoU 0.5)`,className:`tide-bar`,"data-testid":`tide-bar`,"data-type":t,"data-count":i.count,"data-delta-ap":i.deltaAp,children:[(0,_.jsx)(`span`,{className:`tide-name`,children:q[t]}),(0,_.jsx)(`span`,{className:`tide-track`,children:(0,_.jsx)(`span`,{className:`tide-fill`,style:{width:`${100*i.deltaAp/r}%`,background:Ge[t]}})}),(0,_.jsxs)(`span`,{className:`num tide-delta`,children:[`ΔAP `,I(i.deltaAp,2)]}),(0,_.jsx)(`span`,{className:`num tide-count`,children:i.count})]})},t)})})}function mn({scope:e,perClass:t}){return(0,_.jsxs)(`details`,{children:[(0,_.jsx)(`summary`,{children:`Per class (ΔAP, count)`}),(0,_.jsx)(`div`,{className:`scroll-x`,children:(0,_.jsxs)(`table`,{className:`data compact`,"data-testid":`tide-per-class`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{children:`class`}),(0,_.jsx)(`th`,{className:`num`,children:`AP50`}),K.map(e=>(0,_.jsx)(`th`,{className:`num`,children:q[e]},e))]})}),(0,_.jsx)(`tbody`,{children:t.map(t=>{let n=fn(t.errors);return(0,_.jsxs)(`tr`,{"data-label":t.label,children:[(0,_.jsx)(`td`,{children:t.label}),(0,_.jsx)(`td`,{className:`num`,children:I(t.ap50,2)}),K.map(r=>{let i=n.get(r);return(0,_.jsx)(`td`,{className:`num`,"data-type":r,children:i&&i.count>0?(0,_.jsx)(O,{to:dn(e.evaluationId,r,e.meta,t.label),"data-testid":`tide-class-link`,children:`${I(i.deltaAp,2)} (${i.count})`}):(0,_.jsx)(`span`,{className:`muted`,children:`·`})},r)})]},t.label)})})]})})]})}function hn({evaluationId:e,slice:t}){let{data:n,error:r}=B(Se,{id:e}),i=n?.node,a=i&&`tide`in i?i.tide:void 0,o=t?t.summary:a,s=t?t.error:r,c={evaluationId:e,meta:t?t.meta:null};return(0,_.jsxs)(`div`,{className:`panel`,"data-testid":`tide`,"data-scope":t?`slice`:`evaluation`,children:[(0,_.jsx)(`h2`,{children:t?`Error types (TIDE) of the slice`:`Error types (TIDE)`}),s&&(0,_.jsx)(F,{error:s}),!s&&!o&&(0,_.jsx)(P,{what:t?`the slice's TIDE summary`:`the TIDE summary`}),o&&(0,_.jsxs)(_.Fragment,{children:[(0,_.jsxs)(`p`,{className:`muted`,children:[`AP50 `,(0,_.jsx)(`strong`,{"data-testid":`tide-ap50`,children:I(o.ap50,2)}),t&&a&&(0,_.jsxs)(_.Fragment,{children:[` `,`(whole evaluation: `,(0,_.jsx)(`span`,{"data-testid":`tide-whole-ap50`,children:I(a.ap50,2)}),`; the slice's items evaluated alone)`]}),` `,`(tidecv: class-aware, IoU 0.5, background 0.1). Each bar: the AP50 points gained by fixing that error type, and its count; a click opens those entries at IoU 0.5 (the gallery types entries after matchscope's own matching, so its counts may differ a little from tidecv's).`]}),(0,_.jsx)(pn,{scope:c,errors:o.errors}),(0,_.jsx)(mn,{scope:c,perClass:o.perClass})]})]})}var gn=(0,u.lazy)(()=>c(()=>import(`./Charts-DgPolVKR.js`),__vite__mapDeps([0,1,2,3])));function _n({evaluationId:e}){let t=H(),n=E(),r=n.get(`job`),i=W(n),a=B(me,{id:e}),o=B(he,{id:e,iou:t.iou,confidence:t.confidence,itemMetadata:i.value}),s=B(Ce,{id:e,itemMetadata:i.value},{skip:i.value===null}),c=o.error?void 0:o.data?.node,l=c&&`metrics`in c?c.metrics:void 0,d=(0,u.useDeferredValue)(l);if(a.error)return(0,_.jsx)(F,{error:a.error});if(!a.data)return(0,_.jsx)(P,{what:`the evaluation`});let f=a.data.node;if(f?.__typename!==`Evaluation`)return(0,_.jsx)(F,{error:`No evaluation ${e} is visible with this key.`});let p=X(e,t,{}),m=s.loading||s.error?void 0:s.data?.node,h=m&&`coco`in m?m:void 0,g=n.get(U);return(0,_.jsxs)(`section`,{"data-testid":`evaluation`,children:[(0,_.jsxs)(`h1`,{children:[f.model.name,` on `,(0,_.jsx)(O,{to:k.dataset(f.dataset.id),children:f.dataset.name})]}),(0,_.jsxs)(`p`,{className:`muted`,children:[f.classAgnostic?`class-agnostic matching`:`class-aware matching`,f.allowedLabelMatches.length>0&&` · allowed pairs: ${f.allowedLabelMatches.map(e=>`${e.groundTruthLabel}→${e.modelPredictionLabel}`).join(`, `)}`,` · `,`computed `,R(f.completedAt??f.createdAt),f.isCurrent?` · current`:` · superseded`,f.isStale&&(0,_.jsx)(`span`,{className:`badge stale`,children:`stale: data changed since`})]}),r&&(0,_.jsx)(Kt,{jobId:r}),(0,_.jsxs)(`div`,{className:`sticky-bar`,children:[(0,_.jsx)(Ae,{iou:t.iou,confidence:t.confidence}),l&&(0,_.jsx)(rn,{counts:l.overall}),(0,_.jsx)(O,{className:`button`,to:p,children:`Browse entries →`}),o.loading&&(0,_.jsx)(`span`,{className:`muted`,"data-testid":`metrics-loading`,children:`updating…`})]}),(0,_.jsx)(Gt,{slice:i,datasetId:f.dataset.id}),i.error&&(0,_.jsx)(F,{error:i.error}),i.value!==null&&!o.error&&(0,_.jsx)(`p`,{className:`muted`,"data-testid":`slice-note`,children:`Of the slice: the counts, reviews, items with most errors, per-class P/R/F1, confusion matrix, histograms, the COCO summary's first column and TIDE (its items evaluated alone). Of the whole evaluation: the COCO summary's second column, the AP columns and PR curves.`}),o.error&&(0,_.jsx)(F,{error:o.error}),l?(0,_.jsxs)(`div`,{"data-testid":`metrics`,"data-iou":l.iouThreshold,"data-confidence":l.confidenceThreshold,children:[(0,_.jsxs)(`div`,{className:`grid-2`,children:[(0,_.jsx)(Zt,{overall:f.coco.overall,slice:i.value===null?void 0:{overall:h?.coco.overall,error:s.error}}),(0,_.jsx)(nn,{evaluationId:e,items:l.itemsWithMostErrors,thresholds:t})]}),(0,_.jsx)(hn,{evaluationId:e,slice:i.value===null||g===null?void 0:{summary:h?.tide,error:s.error,meta:g}}),(0,_.jsx)(ln,{evaluationId:e,reviews:l.reviews,thresholds:t,labelErrorsFile:`label-errors-${f.model.referenceId}-${f.dataset.name}.json`}),(0,_.jsx)(Yt,{evaluationId:e,metrics:l,coco:f.coco,thresholds:t}),(0,_.jsx)(tn,{evaluationId:e,matrix:l.confusionMatrix,thresholds:t}),(0,_.jsx)(u.Suspense,{fallback:(0,_.jsx)(P,{what:`charts`}),children:(0,_.jsx)(gn,{evaluationId:e,metrics:d??l})})]}):!o.error&&(0,_.jsx)(P,{what:`metrics`})]})}function vn({label:e,testId:t,onClose:n,small:r=!1,children:i}){return(0,_.jsx)(`div`,{className:`overlay`,role:`dialog`,"aria-label":e,"data-testid":t,onClick:n,children:(0,_.jsx)(`div`,{className:`dialog ${r?`small`:``}`,onClick:e=>{e.stopPropagation()},children:i})})}function yn({keys:e,onClose:t}){return(0,_.jsxs)(vn,{label:`keyboard shortcuts`,testId:`help`,onClose:t,small:!0,children:[(0,_.jsx)(`h2`,{children:`Keyboard`}),(0,_.jsx)(`table`,{className:`data compact`,children:(0,_.jsx)(`tbody`,{children:e.map(([e,t])=>(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`td`,{children:(0,_.jsx)(`kbd`,{children:e})}),(0,_.jsx)(`td`,{children:t})]},e))})})]})}function bn({type:e}){return(0,_.jsx)(`span`,{className:`badge error-type`,"data-testid":`error-type`,"data-type":e,style:{background:Ge[e]},children:q[e]})}function xn({review:e}){let t=e?.status??`UNREVIEWED`;return t===`UNREVIEWED`?(0,_.jsx)(`span`,{"data-testid":`review-status`,"data-status":`UNREVIEWED`,hidden:!0}):(0,_.jsxs)(`span`,{className:`badge review ${t} ${e?.pending?`pending`:``}`,"data-testid":`review-status`,"data-status":t,title:e?.note??void 0,children:[J[t],e?.note?` ✎`:``]})}var Sn=e=>e.review?{...e.review,pending:!1}:null,Cn=[[`groundTruth`,`ground truth`],[`prediction`,`predictions`],[`labels`,`labels`]];function wn({evaluationId:e,itemId:t,modelId:n,thresholds:r,selectedEntryId:i=null,reviewOf:a=Sn}){let{data:o,error:s}=B(ye,{itemId:t,modelId:n,evaluationId:e,iou:r.iou,confidence:r.confidence}),[c,l]=(0,u.useState)({groundTruth:!0,prediction:!0,labels:!0}),[d,f]=(0,u.useState)(null);if(s)return(0,_.jsx)(F,{error:s});if(!o)return(0,_.jsx)(P,{what:`the item`});let p=o.node;if(p?.__typename!==`DatasetItem`)return(0,_.jsx)(F,{error:`No item ${t} is visible with this key.`});let m=p.entries.find(e=>e.id===(d??i)),h=new Set([m?.groundTruth?.id,m?.prediction?.id]),g=[...c.groundTruth?p.annotations.map(e=>({...e,side:`groundTruth`,highlighted:h.has(e.id)})):[],...c.prediction?p.predictions.map(e=>({...e,side:`prediction`,caption:e.confidence===null?e.label:`${e.label} ${e.confidence.toFixed(2)}`,highlighted:h.has(e.id)})):[]],v=m?.nearestGroundTruth;return v&&c.groundTruth&&g.push({...v.groundTruth,side:`nearest`,caption:`nearest ${v.groundTruth.label} IoU ${v.iou.toFixed(2)}`}),(0,_.jsxs)(`div`,{className:`item-detail`,"data-testid":`item-detail`,"data-item-id":p.id,children:[(0,_.jsxs)(`h2`,{children:[p.referenceId,` `,(0,_.jsxs)(`span`,{className:`muted`,children:[p.width??`?`,`×`,p.height??`?`,` · `,p.annotations.length,` ground truth · `,p.predictions.length,` predictions`]})]}),(0,_.jsxs)(`div`,{className:`row`,children:[Cn.map(([e,t])=>(0,_.jsxs)(`label`,{children:[(0,_.jsx)(`input`,{type:`checkbox`,name:`layer-${e}`,checked:c[e],onChange:()=>{l({...c,[e]:!c[e]})}}),` `,t]},e)),(0,_.jsx)(lt,{nearest:!0})]}),(0,_.jsxs)(`div`,{className:`detail-body`,children:[(0,_.jsx)(ct,{className:`large`,item:p,imageUrl:p.imageUrl,boxes:g,showLabels:c.labels,labelSize:1/60}),(0,_.jsxs)(`table`,{className:`data compact entries`,"data-testid":`item-entries`,children:[(0,_.jsx)(`thead`,{children:(0,_.jsxs)(`tr`,{children:[(0,_.jsx)(`th`,{children:`outcome`}),(0,_.jsx)(`th`,{children:`ground truth`}),(0,_.jsx)(`th`,{children:`prediction`}),(0,_.jsx)(`th`,{className:`num`,children:`IoU`}),(0,_.jsx)(`th`,{className:`num`,children:`conf`}),(0,_.jsx)(`th`,{children:`review`})]})}),(0,_.jsx)(`tbody`,{children:p.entries.map(e=>(0,_.jsxs)(`tr`,{"data-entry-id":e.id,className:e.id===i?`selected`:``,onMouseEnter:()=>{f(e.id)},onMouseLeave:()=>{f(null)},children:[(0,_.jsx)(`td`,{children:(0,_.jsxs)(`div`,{className:`outcome-cell`,children:[(0,_.jsx)(`span`,{className:`badge ${e.outcome}`,children:Y[e.outcome]}),e.errorType&&(0,_.jsx)(bn,{type:e.errorType})]})}),(0,_.jsxs)(`td`,{children:[e.groundTruthLabel??`—`,e.nearestGroundTruth&&(0,_.jsxs)(`div`,{className:`muted nearest`,"data-col":`nearest`,title:`the nearest ground truth, any label`,children:[`nearest `,e.nearestGroundTruth.groundTruth.label,` `,I(e.nearestGroundTruth.iou,2)]})]}),(0,_.jsx)(`td`,{children:e.predictionLabel??`—`}),(0,_.jsx)(`td`,{className:`num`,children:I(e.iou)}),(0,_.jsx)(`td`,{className:`num`,children:I(e.confidence,2)}),(0,_.jsx)(`td`,{children:(0,_.jsx)(xn,{review:a(e)})})]},e.id))})]})]})]})}function Z(e){x(D({...e,open:null}),{replace:!0})}function Tn({legend:e,name:t,values:n,names:r,chosen:i}){let a=i??[],o=e=>{let n=a.includes(e)?a.filter(t=>t!==e):[...a,e];Z({[t]:n.join(`,`)||null})};return(0,_.jsxs)(`fieldset`,{"data-testid":`filter-${t}`,children:[(0,_.jsx)(`legend`,{children:e}),n.map(e=>(0,_.jsxs)(`label`,{children:[(0,_.jsx)(`input`,{type:`checkbox`,name:`${t}-${e}`,checked:a.includes(e),onChange:()=>{o(e)}}),` `,r[e]]},e))]})}function Q({name:e,label:t,value:n}){let[r,i]=(0,u.useState)(n==null?``:String(n));return(0,_.jsxs)(`label`,{children:[t,` `,(0,_.jsx)(`input`,{type:`number`,min:0,max:1,step:.01,name:e,value:r,onChange:e=>{i(e.target.value)},onBlur:()=>{Z({[e]:r===``?null:r})},onKeyDown:t=>{t.key===`Enter`&&Z({[e]:r===``?null:r})}})]})}function En({labels:e,filter:t,order:n}){let r=(t,n,r)=>(0,_.jsxs)(`label`,{children:[n,` `,(0,_.jsxs)(`select`,{name:t,value:r??``,onChange:e=>{Z({[t]:e.target.value||null})},children:[(0,_.jsx)(`option`,{value:``,children:`any`}),e.map(e=>(0,_.jsx)(`option`,{value:e,children:e},e))]})]});return(0,_.jsxs)(`form`,{className:`filters`,"aria-label":`filters`,onSubmit:e=>{e.preventDefault()},children:[(0,_.jsx)(Tn,{legend:`outcome`,name:`outcome`,values:gt,names:Y,chosen:t.outcomes}),(0,_.jsx)(Tn,{legend:`error type`,name:`errorType`,values:K,names:q,chosen:t.errorTypes}),(0,_.jsx)(Tn,{legend:`review`,name:`review`,values:pt,names:J,chosen:t.reviewStatuses}),r(`gt`,`ground truth`,t.groundTruthLabels?.join(`,`)),r(`pred`,`prediction`,t.predictionLabels?.join(`,`)),(0,_.jsx)(Q,{name:`minIou`,label:`IoU ≥`,value:t.minIou},`minIou-${String(t.minIou)}`),(0,_.jsx)(Q,{name:`maxIou`,label:`IoU ≤`,value:t.maxIou},`maxIou-${String(t.maxIou)}`),(0,_.jsx)(Q,{name:`minConf`,label:`conf ≥`,value:t.minConfidence},`minConf-${String(t.minConfidence)}`),(0,_.jsx)(Q,{name:`maxConf`,label:`conf ≤`,value:t.maxConfidence},`maxConf-${String(t.maxConfidence)}`),(0,_.jsxs)(`label`,{children:[`order by`,` `,(0,_.jsxs)(`select`,{name:`sort`,value:n.field===`CONFIDENCE`?`conf`:`iou`,onChange:e=>{Z({sort:e.target.value===`conf`?`conf`:null})},children:[(0,_.jsx)(`option`,{value:`iou`,children:`IoU`}),(0,_.jsx)(`option`,{value:`conf`,children:`confidence`})]}),` `,(0,_.jsxs)(`select`,{name:`order`,value:n.direction===`ASC`?`asc`:`desc`,onChange:e=>{Z({order:e.target.value===`asc`?`asc`:null})},children:[(0,_.jsx)(`option`,{value:`desc`,children:`highest first`}),(0,_.jsx)(`option`,{value:`asc`,children:`lowest first`})]})]})]})}function Dn({param:e,value:t,text:n,onRemove:r,colour:i}){return(0,_.jsxs)(`span`,{className:`chip`,"data-testid":`filter-chip`,"data-param":e,"data-value":t,children:[i&&(0,_.jsx)(`span`,{className:`chip-dot`,style:{background:i}}),n,(0,_.jsx)(`button`,{type:`button`,onClick:r,"aria-label":`remove the filter ${n}`,children:`×`})]})}function On({filter:e}){let t=e.errorTypes??[];return t.length===0&&!e.itemId?null:(0,_.jsxs)(`div`,{className:`chips`,"data-testid":`filter-chips`,children:[t.map(e=>(0,_.jsx)(Dn,{param:`errorType`,value:e,text:`error type: ${q[e]}`,colour:Ge[e],onRemove:()=>{Z({errorType:t.filter(t=>t!==e).join(`,`)||null})}},e)),e.itemId&&(0,_.jsx)(Dn,{param:`item`,value:String(e.itemId),text:`one item`,onRemove:()=>{Z({item:null})}})]})}var kn=[`CONFIRMED`,`LABEL_ERROR`,`IGNORED`];function An({status:e,note:t,onSave:n,onCancel:r}){let[i,a]=(0,u.useState)(t??``),[o,s]=(0,u.useState)(e===`UNREVIEWED`?`CONFIRMED`:e),c=()=>{n(o,i.trim()===``?null:i)};return(0,_.jsx)(vn,{label:`review note`,testId:`note-editor`,onClose:r,small:!0,children:(0,_.jsxs)(`form`,{onSubmit:e=>{e.preventDefault(),c()},children:[(0,_.jsx)(`h2`,{children:`Review note`}),(0,_.jsx)(`textarea`,{name:`note`,rows:4,autoFocus:!0,value:i,onChange:e=>{a(e.target.value)},onKeyDown:e=>{e.key===`Enter`&&!e.shiftKey?(e.preventDefault(),c()):e.key===`Escape`&&(e.preventDefault(),r())}}),(0,_.jsxs)(`div`,{className:`row`,children:[(0,_.jsxs)(`label`,{children:[`status`,` `,(0,_.jsx)(`select`,{name:`status`,value:o,onChange:e=>{s(e.target.value)},children:kn.map(e=>(0,_.jsx)(`option`,{value:e,children:J[e]},e))})]}),(0,_.jsx)(`button`,{type:`submit`,children:`Save note`}),(0,_.jsx)(`button`,{type:`button`,onClick:r,children:`Cancel`})]})]})})}var jn=[[`c`,`CONFIRMED`],[`l`,`LABEL_ERROR`],[`i`,`IGNORED`],[`u`,`UNREVIEWED`]],Mn=[[`j`,`next entry`],[`k`,`previous entry`],[`Enter`,`open the selected entry's item`],[`c`,`review: confirmed`],[`l`,`review: label error`],[`i`,`review: ignored`],[`u`,`review: back to unreviewed`],[`n`,`edit the review note`],[`Esc`,`close the item or this help`],[`?`,`show or hide this help`]],Nn=new Set([`text`,`number`,`search`,`password`,`email`,`url`]);function Pn(e){return e instanceof HTMLElement?e instanceof HTMLInputElement?Nn.has(e.type):e.isContentEditable||e.tagName===`SELECT`||e.tagName===`TEXTAREA`:!1}var Fn=new Map(jn);function In(e,t){let n=(0,u.useRef)({actions:e,state:t});n.current={actions:e,state:t},(0,u.useEffect)(()=>{let e=e=>{let{actions:t,state:r}=n.current;if(r.busy||Pn(e.target)||e.metaKey||e.ctrlKey||e.altKey)return;let i=Fn.get(e.key);if(e.key===`?`)t.toggleHelp();else if(e.key===`Escape`){if(r.help)t.toggleHelp();else if(r.detailOpen)t.close();else return}else if(r.help)return;else if(e.key===`j`)t.move(1);else if(e.key===`k`)t.move(-1);else if(e.key===`Enter`&&!r.detailOpen)t.open();else if(i)t.review(i);else if(e.key===`n`)t.editNote();else return;e.preventDefault()};return window.addEventListener(`keydown`,e),()=>{window.removeEventListener(`keydown`,e)}},[])}function Ln({entry:e,review:t,onReview:n,onEditNote:r}){let i=t?.status??`UNREVIEWED`;return(0,_.jsxs)(`div`,{className:`review-panel`,"data-testid":`review-panel`,"data-entry-id":e.id,"data-status":i,children:[(0,_.jsxs)(`div`,{className:`row`,children:[(0,_.jsx)(`span`,{className:`badge ${e.outcome}`,children:Y[e.outcome]}),(0,_.jsxs)(`span`,{children:[e.groundTruthLabel??`∅`,` → `,e.predictionLabel??`∅`,` · IoU `,I(e.iou),` · conf`,` `,I(e.confidence,2)]})]}),(0,_.jsxs)(`div`,{className:`row`,children:[(0,_.jsx)(`strong`,{children:`Review:`}),(0,_.jsx)(`span`,{"data-testid":`review-panel-status`,children:J[i]}),t?.pending&&(0,_.jsx)(`span`,{className:`muted`,children:`saving…`}),t&&!t.pending&&i!==`UNREVIEWED`&&(0,_.jsxs)(`span`,{className:`muted`,children:[`updated `,R(t.updatedAt)]}),jn.map(([e,t])=>(0,_.jsxs)(`button`,{type:`button`,"aria-pressed":i===t,onClick:()=>{n(t)},children:[(0,_.jsx)(`kbd`,{children:e}),` `,J[t]]},t)),(0,_.jsxs)(`button`,{type:`button`,onClick:r,children:[(0,_.jsx)(`kbd`,{children:`n`}),` note`]})]}),(0,_.jsx)(`p`,{className:`note`,"data-testid":`review-note`,children:t?.note?t.note:(0,_.jsx)(`span`,{className:`muted`,children:`no note`})})]})}function Rn(e){let t=[],n=e.nearestGroundTruth,r=n!==null&&n.groundTruth.id===e.groundTruth?.id;if(e.groundTruth&&t.push({...e.groundTruth,side:`groundTruth`,caption:r?``:void 0}),n&&t.push({...n.groundTruth,side:`nearest`,caption:`nearest ${n.groundTruth.label} IoU ${n.iou.toFixed(2)}`}),e.prediction){let n=e.prediction.confidence;t.push({...e.prediction,side:`prediction`,caption:n===null?e.prediction.label:`${e.prediction.label} ${n.toFixed(2)}`})}return t}function zn({entry:e,review:t,selected:n,index:r,onSelect:i,onOpen:a,zoom:o}){let s=Rn(e);return(0,_.jsxs)(`article`,{className:`tile ${n?`selected`:``}`,"data-testid":`tile`,"data-entry-id":e.id,"data-item-id":e.item.id,"data-outcome":e.outcome,"aria-selected":n,onClick:()=>{i(r)},onDoubleClick:()=>{a(r)},children:[(0,_.jsx)(ct,{item:e.item,imageUrl:o?e.item.imageUrl:e.item.thumbnailUrl,boxes:s,window:o&&s.length>0?Xe(s,Ye(e.item,s)):null}),(0,_.jsxs)(`div`,{className:`caption`,children:[(0,_.jsx)(`span`,{className:`badge ${e.outcome}`,children:Y[e.outcome]}),e.errorType&&(0,_.jsx)(bn,{type:e.errorType}),(0,_.jsxs)(`span`,{title:`ground truth → prediction`,children:[e.groundTruthLabel??`∅`,` → `,e.predictionLabel??`∅`]}),(0,_.jsxs)(`span`,{className:`num`,"data-testid":`tile-iou`,children:[`IoU `,I(e.iou,3)]}),(0,_.jsxs)(`span`,{className:`num`,children:[`conf `,I(e.confidence,2)]}),e.nearestGroundTruth&&(0,_.jsxs)(`span`,{className:`num`,"data-testid":`tile-nearest`,title:`the ground truth of highest IoU with the prediction, any label`,children:[`nearest `,e.nearestGroundTruth.groundTruth.label,` `,I(e.nearestGroundTruth.iou,2)]}),(0,_.jsx)(xn,{review:t}),(0,_.jsx)(`span`,{className:`muted ref`,children:e.item.referenceId})]})]})}function Bn(e){let t=Le(JSON.stringify(e),async t=>{let n=(await g(_e,{...e,first:40,after:t})).node;if(!n||!(`matches`in n))throw Error(`No such evaluation is visible with this key.`);return Fe(n.matches)});return{...t,entries:t.nodes}}function Vn(e){return`${e.groundTruth?.id??``}|${e.prediction?.id??``}`}function Hn(e){let[t,n]=(0,u.useState)(new Map),[r,i]=(0,u.useState)(null),a=(0,u.useRef)(new Map),o=(0,u.useRef)(0),s=(0,u.useCallback)(e=>{let n=t.get(Vn(e));return n===void 0?e.review?{...e.review,pending:!1}:null:n},[t]),c=(e,t)=>{n(n=>new Map(n).set(e,t))};return{reviewOf:s,setReview:(0,u.useCallback)((t,n,r)=>{let l=Vn(t),u=s(t),d=++o.current;a.current.set(l,d);let f=r===void 0?u?.note??null:r;c(l,n===`UNREVIEWED`?null:{status:n,note:f,updatedAt:new Date().toISOString(),pending:!0}),i(null);let p=e=>{a.current.get(l)===d&&(c(l,u&&{...u,pending:!1}),i(`The review was not saved: ${e}`))};g(ge,{id:t.id,status:n,note:r,iou:e.iou,confidence:e.confidence}).then(e=>{let t=e.reviewMatch;t.__typename===`Match`?a.current.get(l)===d&&c(l,t.review?{...t.review,pending:!1}:null):p(t.message)},e=>{p(e instanceof Error?e.message:String(e))})},[s,e.iou,e.confidence]),error:r,dismissError:(0,u.useCallback)(()=>{i(null)},[])}}function Un(e,t,n){let r=new URLSearchParams({iou:String(t.iou),conf:String(t.confidence)});return n!==null&&r.set(U,n),`${k.evaluation(e)}?${r.toString()}`}function Wn({evaluationId:e}){let t=H(),n=E(),{filter:r,order:i}=bt(n),a=W(n),o=n.get(`open`),s=n.get(`zoom`)===`1`,c=B(ve,{id:e}),l=Bn({id:e,iou:t.iou,confidence:t.confidence,filter:r,orderBy:i}),d=Hn(t),[f,p]=(0,u.useState)(0),[m,h]=(0,u.useState)(!1),[g,v]=(0,u.useState)(!1),y=(0,u.useRef)(null),{entries:b,loadMore:S,hasNextPage:C}=l,w=Re(S,b.length),T=b[f],k=(0,u.useCallback)(e=>{let t=b[e];t&&x(D({open:t.item.id}))},[b]),A=(0,u.useCallback)(()=>{x(D({open:null}),{replace:!0})},[]);In({move:e=>{let t=Math.min(Math.max(0,f+e),Math.max(0,b.length-1));p(t),t+5>=b.length&&C&&S();let n=b[t];o&&n&&n.item.id!==o&&x(D({open:n.item.id}),{replace:!0})},open:()=>{k(f)},close:A,toggleHelp:()=>{h(e=>!e)},review:e=>{T&&d.setReview(T,e)},editNote:()=>{T&&v(!0)}},{help:m,detailOpen:o!==null,busy:g}),(0,u.useEffect)(()=>{y.current?.querySelector(`.tile.selected`)?.scrollIntoView({block:`nearest`})},[f]);let j=c.data?.node;if(c.error)return(0,_.jsx)(F,{error:c.error});if(!j||!(`dataset`in j))return c.data?(0,_.jsx)(F,{error:`No such evaluation.`}):(0,_.jsx)(P,{what:`entries`});let M=T?d.reviewOf(T):null;return(0,_.jsxs)(`section`,{"data-testid":`gallery`,children:[(0,_.jsxs)(`h1`,{children:[`Entries · `,j.model.name,` on `,j.dataset.name]}),(0,_.jsxs)(`p`,{children:[(0,_.jsx)(O,{to:Un(e,t,n.get(U)),children:`← evaluation`}),` `,(0,_.jsx)(lt,{nearest:!0}),` `,(0,_.jsx)(`span`,{className:`muted`,children:`Keys: j/k move, Enter opens, c/l/i review, n note, ? help`})]}),(0,_.jsxs)(`div`,{className:`sticky-bar`,children:[(0,_.jsx)(Ae,{iou:t.iou,confidence:t.confidence}),(0,_.jsxs)(`label`,{children:[(0,_.jsx)(`input`,{type:`checkbox`,name:`zoom`,checked:s,onChange:()=>{x(D({zoom:s?null:`1`}),{replace:!0})}}),` `,`zoom on the boxes`]}),(0,_.jsx)(`span`,{"data-testid":`total-count`,className:`count`,children:l.totalCount===null?`…`:`${l.totalCount} entries`})]}),(0,_.jsx)(En,{labels:j.dataset.labels,filter:r,order:i},JSON.stringify(r)),(0,_.jsx)(Gt,{slice:a,datasetId:j.dataset.id}),a.error&&(0,_.jsx)(F,{error:a.error}),(0,_.jsx)(On,{filter:r}),l.error&&(0,_.jsx)(F,{error:l.error}),d.error&&(0,_.jsx)(F,{error:d.error}),(0,_.jsx)(`div`,{className:`gallery`,ref:y,children:b.map((e,t)=>(0,_.jsx)(zn,{entry:e,review:d.reviewOf(e),index:t,selected:t===f,onSelect:p,onOpen:k,zoom:s},e.id))}),l.totalCount===0&&(0,_.jsx)(`p`,{className:`muted`,children:`No entry matches these filters at these thresholds.`}),(0,_.jsx)(`div`,{ref:w,className:`sentinel`,children:l.loading?`loading…`:C?``:b.length>0?`end of the entries`:``}),o&&(0,_.jsxs)(vn,{label:`item`,testId:`detail`,onClose:A,children:[(0,_.jsx)(`button`,{type:`button`,className:`close`,onClick:A,"aria-label":`close`,children:`×`}),T?.item.id===o&&(0,_.jsx)(Ln,{entry:T,review:M,onReview:e=>{d.setReview(T,e)},onEditNote:()=>{v(!0)}}),(0,_.jsx)(wn,{evaluationId:e,itemId:o,modelId:j.model.id,thresholds:t,selectedEntryId:T?.item.id===o?T.id:null,reviewOf:d.reviewOf})]}),g&&T&&(0,_.jsx)(An,{status:M?.status??`UNREVIEWED`,note:M?.note??null,onSave:(e,t)=>{d.setReview(T,e,t),v(!1)},onCancel:()=>{v(!1)}}),m&&(0,_.jsx)(yn,{keys:Mn,onClose:()=>{h(!1)}})]})}function Gn({evaluationId:e,itemId:t}){let n=H(),r=B(ve,{id:e});if(r.error)return(0,_.jsx)(F,{error:r.error});let i=r.data?.node;return!i||!(`model`in i)?r.data?(0,_.jsx)(F,{error:`No such evaluation.`}):(0,_.jsx)(P,{what:`the item`}):(0,_.jsxs)(`section`,{children:[(0,_.jsxs)(`p`,{children:[(0,_.jsx)(O,{to:`${k.evaluation(e)}?iou=${n.iou}&conf=${n.confidence}`,children:`← evaluation`}),` · `,(0,_.jsx)(O,{to:X(e,n,{item:t}),children:`this item's entries in the gallery`})]}),(0,_.jsx)(wn,{evaluationId:e,itemId:t,modelId:i.model.id,thresholds:n})]})}var $=null,Kn=null,qn=new Set([4401,4403]);function Jn(){let e=t();if($===null||Kn!==e){$?.dispose(),Kn=e;let t=window.location.protocol===`https:`?`wss`:`ws`;$=l({url:`${t}://${window.location.host}/graphql`,connectionParams:()=>({Authorization:o()}),retryAttempts:3,on:{closed:e=>{let t=e?.code;t!==void 0&&qn.has(t)&&h(`The server refused this API key on the websocket. Paste a valid key.`)}}})}return $}function Yn(e,t,n){return Jn().subscribe({query:e.toString(),variables:t},{next:e=>{e.errors&&e.errors.length>0?n.error(e.errors.map(e=>e.message).join(`; `)):e.data&&n.next(e.data)},error:e=>{n.error(e instanceof Error?e.message:Xn(e))},complete:n.complete})}function Xn(e){return Array.isArray(e)?e.map(e=>e.message??String(e)).join(`; `):e instanceof CloseEvent?`connection closed (${e.code} ${e.reason})`:`subscription failed`}var Zn=new Set([`COMPLETED`,`ERRORED`,`CANCELLED`]);function Qn(e){let[t,n]=(0,u.useState)(),[r,i]=(0,u.useState)(null);return(0,u.useEffect)(()=>{let t=!0;g(de,{id:e}).then(e=>{t&&n(t=>t??e.job)},e=>{t&&i(e instanceof Error?e.message:String(e))});let r=Yn(fe,{id:e},{next:e=>{t&&n(e.jobUpdates)},error:e=>{t&&i(e)},complete:()=>void 0});return()=>{t=!1,r()}},[e]),{job:t,error:r}}function $n({jobId:e}){let{job:t,error:n}=Qn(e),r=t?.status===`COMPLETED`?t.evaluation?.id:void 0;return(0,u.useEffect)(()=>{r&&x(`${k.evaluation(r)}?job=${encodeURIComponent(e)}`,{replace:!0})},[r,e]),t===void 0?n?(0,_.jsx)(F,{error:n}):(0,_.jsx)(P,{what:`the job`}):t===null?(0,_.jsx)(F,{error:`No job ${e} is visible with this key.`}):(0,_.jsxs)(`section`,{children:[(0,_.jsx)(`h1`,{children:`Evaluation job`}),(0,_.jsx)(er,{job:t}),n&&(0,_.jsx)(F,{error:n}),!Zn.has(t.status)&&(0,_.jsx)(`button`,{type:`button`,onClick:()=>{g(pe,{id:e})},children:`Cancel job`})]})}function er({job:e}){let t=Math.round(e.progress*100);return(0,_.jsxs)(`div`,{className:`panel job`,"data-testid":`job`,"data-status":e.status,children:[(0,_.jsxs)(`p`,{children:[(0,_.jsx)(`strong`,{"data-testid":`job-status`,children:e.status}),` · `,e.completedSteps,` / `,e.totalSteps,` items ·`,` `,(0,_.jsxs)(`span`,{"data-testid":`job-percent`,children:[t,`%`]})]}),(0,_.jsx)(`progress`,{max:1,value:e.progress,"aria-label":`job progress`}),e.message&&(0,_.jsx)(`p`,{className:`muted`,children:e.message}),e.errors.length>0&&(0,_.jsx)(`ul`,{className:`error`,"data-testid":`job-errors`,children:e.errors.map((e,t)=>(0,_.jsx)(`li`,{children:e},t))}),(0,_.jsxs)(`p`,{className:`muted`,children:[`created `,R(e.createdAt),` · started `,R(e.startedAt),` · finished `,R(e.finishedAt)]}),e.evaluation&&e.status===`COMPLETED`&&(0,_.jsx)(O,{to:k.evaluation(e.evaluation.id),children:`open the evaluation`})]})}function tr({message:e,onKey:t}){let[n,r]=(0,u.useState)(``);return(0,_.jsxs)(`main`,{className:`key-prompt`,children:[(0,_.jsx)(`h1`,{children:`matchscope`}),(0,_.jsxs)(`form`,{onSubmit:e=>{e.preventDefault();let r=n.trim();r!==``&&(a(r),t())},"aria-label":`API key`,children:[(0,_.jsx)(`label`,{htmlFor:`api-key`,children:`API key`}),(0,_.jsxs)(`p`,{className:`muted`,children:[`Paste the key that `,(0,_.jsx)(`code`,{children:`matchscope serve`}),` printed (or one from `,(0,_.jsx)(`code`,{children:`matchscope keys create`}),`). It is kept in this tab only (sessionStorage) and sent as `,(0,_.jsx)(`code`,{children:`Authorization: Bearer`}),`.`]}),e&&(0,_.jsx)(`p`,{className:`error`,role:`alert`,children:e}),(0,_.jsx)(`input`,{id:`api-key`,name:`api-key`,type:`password`,autoComplete:`off`,autoFocus:!0,value:n,onChange:e=>{r(e.target.value)},placeholder:`ms_…`}),(0,_.jsx)(`button`,{type:`submit`,children:`Continue`})]})]})}function nr({pathname:e}){if(T(`/`,e))return(0,_.jsx)(jt,{});if(T(`/compare`,e))return(0,_.jsx)(At,{});let t;return(t=T(`/datasets/:id`,e))?(0,_.jsx)(zt,{datasetId:t.id??``},t.id):(t=T(`/jobs/:id`,e))?(0,_.jsx)($n,{jobId:t.id??``},t.id):(t=T(`/evaluations/:id`,e))?(0,_.jsx)(_n,{evaluationId:t.id??``},t.id):(t=T(`/evaluations/:id/entries`,e))?(0,_.jsx)(Wn,{evaluationId:t.id??``},t.id):(t=T(`/evaluations/:id/items/:item`,e))?(0,_.jsx)(Gn,{evaluationId:t.id??``,itemId:t.item??``},`${t.id??``}/${t.item??``}`):(0,_.jsxs)(`section`,{children:[(0,_.jsx)(`h1`,{children:`Not found`}),(0,_.jsxs)(`p`,{children:[`Nothing lives at `,(0,_.jsx)(`code`,{children:e}),`. `,(0,_.jsx)(O,{to:k.datasets(),children:`Datasets`})]})]})}function rr(){let[e,r]=(0,u.useState)(t()!==null),[i,a]=(0,u.useState)(null),{pathname:o}=w();return(0,u.useEffect)(()=>m(e=>{a(e),r(!1)}),[]),e?(0,_.jsxs)(_.Fragment,{children:[(0,_.jsxs)(`header`,{className:`top`,children:[(0,_.jsx)(O,{to:k.datasets(),className:`brand`,children:`matchscope`}),(0,_.jsxs)(`nav`,{children:[(0,_.jsx)(O,{to:k.datasets(),children:`datasets`}),(0,_.jsx)(`a`,{href:`/graphql`,children:`GraphiQL`}),(0,_.jsx)(`button`,{type:`button`,className:`link`,onClick:()=>{n(),r(!1)},children:`forget key`})]})]}),(0,_.jsx)(`main`,{children:(0,_.jsx)(nr,{pathname:o})})]}):(0,_.jsx)(tr,{message:i,onKey:()=>{a(null),r(!0)}})}var ir=document.getElementById(`root`);ir&&(0,d.createRoot)(ir).render((0,_.jsx)(u.StrictMode,{children:(0,_.jsx)(rr,{})}));export{xe as a,P as i,B as n,F as r,Be as t};