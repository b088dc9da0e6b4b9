from collections.abc import AsyncIterator
from typing import Any, Optional, Union

from .annotate import Annotate
from .annotate_columns import AnnotateColumns
from .append_items import AppendItems
from .async_base_client import AsyncBaseClient
from .base_model import UNSET, UnsetType
from .calculate_evaluation_metrics import CalculateEvaluationMetrics
from .cancel_job import CancelJob
from .compare_flips import CompareFlips
from .compare_metrics import CompareMetrics
from .create_dataset import CreateDataset
from .create_model import CreateModel
from .current_evaluation import CurrentEvaluation
from .dataset_by_name import DatasetByName
from .dataset_items import DatasetItems
from .delete_dataset import DeleteDataset
from .delete_evaluation import DeleteEvaluation
from .delete_model import DeleteModel
from .enums import FlipKind, JobStatus, ReviewStatus
from .evaluation_coco import EvaluationCoco
from .evaluation_matches import EvaluationMatches
from .evaluation_metrics import EvaluationMetrics
from .evaluation_tide import EvaluationTide
from .get_dataset import GetDataset
from .get_job import GetJob
from .get_model import GetModel
from .input_types import (
    BoxAnnotationColumnsInput,
    BoxAnnotationInput,
    BoxPredictionColumnsInput,
    BoxPredictionInput,
    CreateDatasetInput,
    CreateModelInput,
    DatasetItemInput,
    EvaluationOptionsInput,
    MatchFilter,
    MatchOrder,
)
from .job_updates import JobUpdates
from .list_datasets import ListDatasets
from .list_evaluations import ListEvaluations
from .list_jobs import ListJobs
from .list_models import ListModels
from .model_by_reference_id import ModelByReferenceId
from .review_match import ReviewMatch
from .upload_prediction_columns import UploadPredictionColumns
from .upload_predictions import UploadPredictions


def gql(q: str) -> str:
    return q


class GraphQLClient(AsyncBaseClient):
    async def get_dataset(self, id: str, **kwargs: Any) -> GetDataset:
        query = gql("""
            query GetDataset($id: ID!) {
              dataset(id: $id) {
                ...DatasetFields
              }
            }

            fragment DatasetFields on Dataset {
              id
              name
              metadata
              createdAt
              itemCount
              annotationCount
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="GetDataset", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetDataset.model_validate(data)

    async def dataset_by_name(self, name: str, **kwargs: Any) -> DatasetByName:
        query = gql("""
            query DatasetByName($name: String!) {
              datasetByName(name: $name) {
                ...DatasetFields
              }
            }

            fragment DatasetFields on Dataset {
              id
              name
              metadata
              createdAt
              itemCount
              annotationCount
            }
            """)
        variables: dict[str, object] = {"name": name}
        response = await self.execute(
            query=query, operation_name="DatasetByName", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DatasetByName.model_validate(data)

    async def list_datasets(
        self,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ListDatasets:
        query = gql("""
            query ListDatasets($first: Int, $after: String) {
              datasets(first: $first, after: $after) {
                pageInfo {
                  ...PageFields
                }
                edges {
                  node {
                    ...DatasetFields
                  }
                }
              }
            }

            fragment DatasetFields on Dataset {
              id
              name
              metadata
              createdAt
              itemCount
              annotationCount
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {"first": first, "after": after}
        response = await self.execute(
            query=query, operation_name="ListDatasets", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ListDatasets.model_validate(data)

    async def get_model(self, id: str, **kwargs: Any) -> GetModel:
        query = gql("""
            query GetModel($id: ID!) {
              node(id: $id) {
                __typename
                ... on Model {
                  ...ModelFields
                }
              }
            }

            fragment ModelFields on Model {
              id
              name
              referenceId
              metadata
              createdAt
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="GetModel", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetModel.model_validate(data)

    async def model_by_reference_id(
        self, reference_id: str, **kwargs: Any
    ) -> ModelByReferenceId:
        query = gql("""
            query ModelByReferenceId($referenceId: String!) {
              modelByReferenceId(referenceId: $referenceId) {
                ...ModelFields
              }
            }

            fragment ModelFields on Model {
              id
              name
              referenceId
              metadata
              createdAt
            }
            """)
        variables: dict[str, object] = {"referenceId": reference_id}
        response = await self.execute(
            query=query,
            operation_name="ModelByReferenceId",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return ModelByReferenceId.model_validate(data)

    async def list_models(
        self,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ListModels:
        query = gql("""
            query ListModels($first: Int, $after: String) {
              models(first: $first, after: $after) {
                pageInfo {
                  ...PageFields
                }
                edges {
                  node {
                    ...ModelFields
                  }
                }
              }
            }

            fragment ModelFields on Model {
              id
              name
              referenceId
              metadata
              createdAt
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {"first": first, "after": after}
        response = await self.execute(
            query=query, operation_name="ListModels", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ListModels.model_validate(data)

    async def dataset_items(
        self,
        id: str,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> DatasetItems:
        query = gql("""
            query DatasetItems($id: ID!, $first: Int, $after: String) {
              dataset(id: $id) {
                items(first: $first, after: $after) {
                  pageInfo {
                    ...PageFields
                  }
                  edges {
                    node {
                      ...ItemFields
                    }
                  }
                }
              }
            }

            fragment ItemFields on DatasetItem {
              id
              referenceId
              imageLocation
              width
              height
              metadata
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {"id": id, "first": first, "after": after}
        response = await self.execute(
            query=query, operation_name="DatasetItems", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DatasetItems.model_validate(data)

    async def get_job(self, id: str, **kwargs: Any) -> GetJob:
        query = gql("""
            query GetJob($id: ID!) {
              job(id: $id) {
                ...JobFields
              }
            }

            fragment JobFields on AsyncJob {
              id
              type
              status
              progress
              completedSteps
              totalSteps
              statusMessage: message
              jobErrors: errors
              createdAt
              startedAt
              finishedAt
              evaluation {
                id
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="GetJob", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return GetJob.model_validate(data)

    async def list_jobs(
        self,
        statuses: Union[Optional[list[JobStatus]], UnsetType] = UNSET,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ListJobs:
        query = gql("""
            query ListJobs($statuses: [JobStatus!], $first: Int, $after: String) {
              jobs(statuses: $statuses, first: $first, after: $after) {
                totalCount
                pageInfo {
                  ...PageFields
                }
                edges {
                  node {
                    ...JobFields
                  }
                }
              }
            }

            fragment JobFields on AsyncJob {
              id
              type
              status
              progress
              completedSteps
              totalSteps
              statusMessage: message
              jobErrors: errors
              createdAt
              startedAt
              finishedAt
              evaluation {
                id
              }
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {
            "statuses": statuses,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="ListJobs", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ListJobs.model_validate(data)

    async def current_evaluation(
        self, dataset_id: str, model_id: str, **kwargs: Any
    ) -> CurrentEvaluation:
        query = gql("""
            query CurrentEvaluation($datasetId: ID!, $modelId: ID!) {
              evaluation(datasetId: $datasetId, modelId: $modelId) {
                ...EvaluationFields
              }
            }

            fragment EvaluationFields on Evaluation {
              id
              classAgnostic
              allowedLabelMatches {
                groundTruthLabel
                modelPredictionLabel
              }
              isCurrent
              isStale
              createdAt
              completedAt
              dataset {
                id
              }
              model {
                id
              }
              job {
                ...JobFields
              }
            }

            fragment JobFields on AsyncJob {
              id
              type
              status
              progress
              completedSteps
              totalSteps
              statusMessage: message
              jobErrors: errors
              createdAt
              startedAt
              finishedAt
              evaluation {
                id
              }
            }
            """)
        variables: dict[str, object] = {"datasetId": dataset_id, "modelId": model_id}
        response = await self.execute(
            query=query,
            operation_name="CurrentEvaluation",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CurrentEvaluation.model_validate(data)

    async def evaluation_matches(
        self,
        id: str,
        iou_threshold: Union[Optional[float], UnsetType] = UNSET,
        confidence_threshold: Union[Optional[float], UnsetType] = UNSET,
        filter_: Union[Optional[MatchFilter], UnsetType] = UNSET,
        order_by: Union[Optional[MatchOrder], UnsetType] = UNSET,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> EvaluationMatches:
        query = gql("""
            query EvaluationMatches($id: ID!, $iouThreshold: Float, $confidenceThreshold: Float, $filter: MatchFilter, $orderBy: MatchOrder, $first: Int, $after: String) {
              node(id: $id) {
                __typename
                ... on Evaluation {
                  matches(
                    iouThreshold: $iouThreshold
                    confidenceThreshold: $confidenceThreshold
                    filter: $filter
                    orderBy: $orderBy
                    first: $first
                    after: $after
                  ) {
                    totalCount
                    pageInfo {
                      ...PageFields
                    }
                    edges {
                      node {
                        ...MatchFields
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

            fragment MatchFields on Match {
              id
              outcome
              iou
              groundTruthLabel
              predictionLabel
              confidence
              item {
                id
                referenceId
              }
              groundTruth {
                ...BoxFields
              }
              prediction {
                ...BoxFields
              }
              errorType
              nearestGroundTruth {
                iou
                groundTruth {
                  ...BoxFields
                }
              }
              review {
                status
                note
                updatedAt
              }
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {
            "id": id,
            "iouThreshold": iou_threshold,
            "confidenceThreshold": confidence_threshold,
            "filter": filter_,
            "orderBy": order_by,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query,
            operation_name="EvaluationMatches",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return EvaluationMatches.model_validate(data)

    async def evaluation_metrics(
        self,
        id: str,
        iou_threshold: Union[Optional[float], UnsetType] = UNSET,
        confidence_threshold: Union[Optional[float], UnsetType] = UNSET,
        item_metadata: Union[Optional[Any], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> EvaluationMetrics:
        query = gql("""
            query EvaluationMetrics($id: ID!, $iouThreshold: Float, $confidenceThreshold: Float, $itemMetadata: JSON) {
              node(id: $id) {
                __typename
                ... on Evaluation {
                  metrics(
                    iouThreshold: $iouThreshold
                    confidenceThreshold: $confidenceThreshold
                    itemMetadata: $itemMetadata
                  ) {
                    iouThreshold
                    confidenceThreshold
                    overall {
                      ...CountsFields
                    }
                    perClass {
                      label
                      groundTruthCount
                      predictionCount
                      counts {
                        ...CountsFields
                      }
                    }
                    confusionMatrix {
                      rowLabels
                      columnLabels
                      counts
                    }
                    matchedIouHistogram {
                      ...HistogramFields
                    }
                    truePositiveConfidenceHistogram {
                      ...HistogramFields
                    }
                    falsePositiveConfidenceHistogram {
                      ...HistogramFields
                    }
                  }
                }
              }
            }

            fragment CountsFields on Counts {
              truePositives
              falsePositives
              falseNegatives
              precision
              recall
              f1
            }

            fragment HistogramFields on Histogram {
              binEdges
              counts
            }
            """)
        variables: dict[str, object] = {
            "id": id,
            "iouThreshold": iou_threshold,
            "confidenceThreshold": confidence_threshold,
            "itemMetadata": item_metadata,
        }
        response = await self.execute(
            query=query,
            operation_name="EvaluationMetrics",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return EvaluationMetrics.model_validate(data)

    async def evaluation_tide(
        self,
        id: str,
        item_metadata: Union[Optional[Any], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> EvaluationTide:
        query = gql("""
            query EvaluationTide($id: ID!, $itemMetadata: JSON) {
              node(id: $id) {
                __typename
                ... on Evaluation {
                  tide(itemMetadata: $itemMetadata) {
                    ap50
                    errors {
                      type
                      count
                      deltaAp
                    }
                    perClass {
                      label
                      ap50
                      errors {
                        type
                        count
                        deltaAp
                      }
                    }
                  }
                }
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "itemMetadata": item_metadata}
        response = await self.execute(
            query=query, operation_name="EvaluationTide", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return EvaluationTide.model_validate(data)

    async def evaluation_coco(
        self,
        id: str,
        item_metadata: Union[Optional[Any], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> EvaluationCoco:
        query = gql("""
            query EvaluationCoco($id: ID!, $itemMetadata: JSON) {
              node(id: $id) {
                __typename
                ... on Evaluation {
                  coco(itemMetadata: $itemMetadata) {
                    overall {
                      ...CocoStatsFields
                    }
                    perClass {
                      label
                      stats {
                        ...CocoStatsFields
                      }
                    }
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

            fragment CocoStatsFields on CocoStats {
              stats
            }
            """)
        variables: dict[str, object] = {"id": id, "itemMetadata": item_metadata}
        response = await self.execute(
            query=query, operation_name="EvaluationCoco", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return EvaluationCoco.model_validate(data)

    async def create_dataset(
        self, input: CreateDatasetInput, **kwargs: Any
    ) -> CreateDataset:
        query = gql("""
            mutation CreateDataset($input: CreateDatasetInput!) {
              createDataset(input: $input) {
                __typename
                ... on Dataset {
                  ...DatasetFields
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
              }
            }

            fragment DatasetFields on Dataset {
              id
              name
              metadata
              createdAt
              itemCount
              annotationCount
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="CreateDataset", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CreateDataset.model_validate(data)

    async def create_model(self, input: CreateModelInput, **kwargs: Any) -> CreateModel:
        query = gql("""
            mutation CreateModel($input: CreateModelInput!) {
              createModel(input: $input) {
                __typename
                ... on Model {
                  ...ModelFields
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
              }
            }

            fragment ModelFields on Model {
              id
              name
              referenceId
              metadata
              createdAt
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="CreateModel", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CreateModel.model_validate(data)

    async def append_items(
        self,
        dataset_id: str,
        items: list[DatasetItemInput],
        update: bool,
        **kwargs: Any,
    ) -> AppendItems:
        query = gql("""
            mutation AppendItems($datasetId: ID!, $items: [DatasetItemInput!]!, $update: Boolean!) {
              appendItems(datasetId: $datasetId, items: $items, update: $update) {
                __typename
                ... on UploadResult {
                  new
                  updated
                  ignored
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "items": items,
            "update": update,
        }
        response = await self.execute(
            query=query, operation_name="AppendItems", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return AppendItems.model_validate(data)

    async def annotate(
        self,
        dataset_id: str,
        annotations: list[BoxAnnotationInput],
        update: bool,
        **kwargs: Any,
    ) -> Annotate:
        query = gql("""
            mutation Annotate($datasetId: ID!, $annotations: [BoxAnnotationInput!]!, $update: Boolean!) {
              annotate(datasetId: $datasetId, annotations: $annotations, update: $update) {
                __typename
                ... on UploadResult {
                  new
                  updated
                  ignored
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "annotations": annotations,
            "update": update,
        }
        response = await self.execute(
            query=query, operation_name="Annotate", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Annotate.model_validate(data)

    async def upload_predictions(
        self,
        dataset_id: str,
        model_id: str,
        predictions: list[BoxPredictionInput],
        update: bool,
        **kwargs: Any,
    ) -> UploadPredictions:
        query = gql("""
            mutation UploadPredictions($datasetId: ID!, $modelId: ID!, $predictions: [BoxPredictionInput!]!, $update: Boolean!) {
              uploadPredictions(
                datasetId: $datasetId
                modelId: $modelId
                predictions: $predictions
                update: $update
              ) {
                __typename
                ... on UploadResult {
                  new
                  updated
                  ignored
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "modelId": model_id,
            "predictions": predictions,
            "update": update,
        }
        response = await self.execute(
            query=query,
            operation_name="UploadPredictions",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UploadPredictions.model_validate(data)

    async def annotate_columns(
        self,
        dataset_id: str,
        columns: BoxAnnotationColumnsInput,
        update: bool,
        **kwargs: Any,
    ) -> AnnotateColumns:
        query = gql("""
            mutation AnnotateColumns($datasetId: ID!, $columns: BoxAnnotationColumnsInput!, $update: Boolean!) {
              annotateColumns(datasetId: $datasetId, columns: $columns, update: $update) {
                __typename
                ... on UploadResult {
                  new
                  updated
                  ignored
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "columns": columns,
            "update": update,
        }
        response = await self.execute(
            query=query, operation_name="AnnotateColumns", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return AnnotateColumns.model_validate(data)

    async def upload_prediction_columns(
        self,
        dataset_id: str,
        model_id: str,
        columns: BoxPredictionColumnsInput,
        update: bool,
        **kwargs: Any,
    ) -> UploadPredictionColumns:
        query = gql("""
            mutation UploadPredictionColumns($datasetId: ID!, $modelId: ID!, $columns: BoxPredictionColumnsInput!, $update: Boolean!) {
              uploadPredictionColumns(
                datasetId: $datasetId
                modelId: $modelId
                columns: $columns
                update: $update
              ) {
                __typename
                ... on UploadResult {
                  new
                  updated
                  ignored
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "modelId": model_id,
            "columns": columns,
            "update": update,
        }
        response = await self.execute(
            query=query,
            operation_name="UploadPredictionColumns",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UploadPredictionColumns.model_validate(data)

    async def calculate_evaluation_metrics(
        self,
        dataset_id: str,
        model_id: str,
        options: Union[Optional[EvaluationOptionsInput], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> CalculateEvaluationMetrics:
        query = gql("""
            mutation CalculateEvaluationMetrics($datasetId: ID!, $modelId: ID!, $options: EvaluationOptionsInput) {
              calculateEvaluationMetrics(
                datasetId: $datasetId
                modelId: $modelId
                options: $options
              ) {
                __typename
                ... on AsyncJob {
                  ...JobFields
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment JobFields on AsyncJob {
              id
              type
              status
              progress
              completedSteps
              totalSteps
              statusMessage: message
              jobErrors: errors
              createdAt
              startedAt
              finishedAt
              evaluation {
                id
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "modelId": model_id,
            "options": options,
        }
        response = await self.execute(
            query=query,
            operation_name="CalculateEvaluationMetrics",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CalculateEvaluationMetrics.model_validate(data)

    async def cancel_job(self, id: str, **kwargs: Any) -> CancelJob:
        query = gql("""
            mutation CancelJob($id: ID!) {
              cancelJob(id: $id) {
                __typename
                ... on AsyncJob {
                  ...JobFields
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment JobFields on AsyncJob {
              id
              type
              status
              progress
              completedSteps
              totalSteps
              statusMessage: message
              jobErrors: errors
              createdAt
              startedAt
              finishedAt
              evaluation {
                id
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="CancelJob", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CancelJob.model_validate(data)

    async def job_updates(self, id: str, **kwargs: Any) -> AsyncIterator[JobUpdates]:
        query = gql("""
            subscription JobUpdates($id: ID!) {
              jobUpdates(id: $id) {
                ...JobFields
              }
            }

            fragment JobFields on AsyncJob {
              id
              type
              status
              progress
              completedSteps
              totalSteps
              statusMessage: message
              jobErrors: errors
              createdAt
              startedAt
              finishedAt
              evaluation {
                id
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        async for data in self.execute_ws(
            query=query, operation_name="JobUpdates", variables=variables, **kwargs
        ):
            yield JobUpdates.model_validate(data)

    async def list_evaluations(
        self,
        dataset_id: Union[Optional[str], UnsetType] = UNSET,
        model_id: Union[Optional[str], UnsetType] = UNSET,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ListEvaluations:
        query = gql("""
            query ListEvaluations($datasetId: ID, $modelId: ID, $first: Int, $after: String) {
              evaluations(
                datasetId: $datasetId
                modelId: $modelId
                first: $first
                after: $after
              ) {
                pageInfo {
                  ...PageFields
                }
                edges {
                  node {
                    ...EvaluationFields
                  }
                }
              }
            }

            fragment EvaluationFields on Evaluation {
              id
              classAgnostic
              allowedLabelMatches {
                groundTruthLabel
                modelPredictionLabel
              }
              isCurrent
              isStale
              createdAt
              completedAt
              dataset {
                id
              }
              model {
                id
              }
              job {
                ...JobFields
              }
            }

            fragment JobFields on AsyncJob {
              id
              type
              status
              progress
              completedSteps
              totalSteps
              statusMessage: message
              jobErrors: errors
              createdAt
              startedAt
              finishedAt
              evaluation {
                id
              }
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "modelId": model_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="ListEvaluations", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ListEvaluations.model_validate(data)

    async def delete_dataset(self, id: str, **kwargs: Any) -> DeleteDataset:
        query = gql("""
            mutation DeleteDataset($id: ID!) {
              deleteDataset(id: $id) {
                ...DeleteFields
              }
            }

            fragment DeleteFields on DeletePayload {
              __typename
              ... on DeleteResult {
                deletedId: id
                deletedRows
              }
              ... on NotFoundError {
                ...NotFoundErrorFields
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="DeleteDataset", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DeleteDataset.model_validate(data)

    async def delete_model(self, id: str, **kwargs: Any) -> DeleteModel:
        query = gql("""
            mutation DeleteModel($id: ID!) {
              deleteModel(id: $id) {
                ...DeleteFields
              }
            }

            fragment DeleteFields on DeletePayload {
              __typename
              ... on DeleteResult {
                deletedId: id
                deletedRows
              }
              ... on NotFoundError {
                ...NotFoundErrorFields
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="DeleteModel", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DeleteModel.model_validate(data)

    async def delete_evaluation(self, id: str, **kwargs: Any) -> DeleteEvaluation:
        query = gql("""
            mutation DeleteEvaluation($id: ID!) {
              deleteEvaluation(id: $id) {
                ...DeleteFields
              }
            }

            fragment DeleteFields on DeletePayload {
              __typename
              ... on DeleteResult {
                deletedId: id
                deletedRows
              }
              ... on NotFoundError {
                ...NotFoundErrorFields
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query,
            operation_name="DeleteEvaluation",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return DeleteEvaluation.model_validate(data)

    async def compare_metrics(
        self,
        base_id: str,
        other_id: str,
        iou_threshold: Union[Optional[float], UnsetType] = UNSET,
        confidence_threshold: Union[Optional[float], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> CompareMetrics:
        query = gql("""
            query CompareMetrics($baseId: ID!, $otherId: ID!, $iouThreshold: Float, $confidenceThreshold: Float) {
              compareEvaluations(baseId: $baseId, otherId: $otherId) {
                __typename
                ... on EvaluationComparison {
                  metrics(iouThreshold: $iouThreshold, confidenceThreshold: $confidenceThreshold) {
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
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
                }
              }
            }

            fragment ComparedSideFields on ComparedSide {
              groundTruthCount
              predictionCount
              counts {
                ...CountsFields
              }
              ap
              ap50
            }

            fragment CountsFields on Counts {
              truePositives
              falsePositives
              falseNegatives
              precision
              recall
              f1
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "baseId": base_id,
            "otherId": other_id,
            "iouThreshold": iou_threshold,
            "confidenceThreshold": confidence_threshold,
        }
        response = await self.execute(
            query=query, operation_name="CompareMetrics", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CompareMetrics.model_validate(data)

    async def compare_flips(
        self,
        base_id: str,
        other_id: str,
        iou_threshold: Union[Optional[float], UnsetType] = UNSET,
        confidence_threshold: Union[Optional[float], UnsetType] = UNSET,
        kinds: Union[Optional[list[FlipKind]], UnsetType] = UNSET,
        first: Union[Optional[int], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> CompareFlips:
        query = gql("""
            query CompareFlips($baseId: ID!, $otherId: ID!, $iouThreshold: Float, $confidenceThreshold: Float, $kinds: [FlipKind!], $first: Int, $after: String) {
              compareEvaluations(baseId: $baseId, otherId: $otherId) {
                __typename
                ... on EvaluationComparison {
                  flips(
                    iouThreshold: $iouThreshold
                    confidenceThreshold: $confidenceThreshold
                    kinds: $kinds
                    first: $first
                    after: $after
                  ) {
                    totalCount
                    pageInfo {
                      ...PageFields
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
                        }
                        base {
                          ...MatchFields
                        }
                        other {
                          ...MatchFields
                        }
                      }
                    }
                  }
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
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

            fragment MatchFields on Match {
              id
              outcome
              iou
              groundTruthLabel
              predictionLabel
              confidence
              item {
                id
                referenceId
              }
              groundTruth {
                ...BoxFields
              }
              prediction {
                ...BoxFields
              }
              errorType
              nearestGroundTruth {
                iou
                groundTruth {
                  ...BoxFields
                }
              }
              review {
                status
                note
                updatedAt
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "baseId": base_id,
            "otherId": other_id,
            "iouThreshold": iou_threshold,
            "confidenceThreshold": confidence_threshold,
            "kinds": kinds,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="CompareFlips", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CompareFlips.model_validate(data)

    async def review_match(
        self,
        id: str,
        status: ReviewStatus,
        iou_threshold: float,
        confidence_threshold: float,
        note: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ReviewMatch:
        query = gql("""
            mutation ReviewMatch($id: ID!, $status: ReviewStatus!, $note: String, $iouThreshold: Float!, $confidenceThreshold: Float!) {
              reviewMatch(
                id: $id
                status: $status
                note: $note
                iouThreshold: $iouThreshold
                confidenceThreshold: $confidenceThreshold
              ) {
                __typename
                ... on Match {
                  ...MatchFields
                }
                ... on ValidationError {
                  ...ValidationErrorFields
                }
                ... on NotFoundError {
                  ...NotFoundErrorFields
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

            fragment MatchFields on Match {
              id
              outcome
              iou
              groundTruthLabel
              predictionLabel
              confidence
              item {
                id
                referenceId
              }
              groundTruth {
                ...BoxFields
              }
              prediction {
                ...BoxFields
              }
              errorType
              nearestGroundTruth {
                iou
                groundTruth {
                  ...BoxFields
                }
              }
              review {
                status
                note
                updatedAt
              }
            }

            fragment NotFoundErrorFields on NotFoundError {
              message
              kind
              missingId: id
            }

            fragment ValidationErrorFields on ValidationError {
              message
              field
              errors {
                row
                field
                value
                message
              }
            }
            """)
        variables: dict[str, object] = {
            "id": id,
            "status": status,
            "note": note,
            "iouThreshold": iou_threshold,
            "confidenceThreshold": confidence_threshold,
        }
        response = await self.execute(
            query=query, operation_name="ReviewMatch", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ReviewMatch.model_validate(data)
