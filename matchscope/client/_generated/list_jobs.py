from pydantic import Field

from .base_model import BaseModel
from .fragments import JobFields, PageFields


class ListJobs(BaseModel):
    jobs: "ListJobsJobs"


class ListJobsJobs(BaseModel):
    total_count: int = Field(alias="totalCount")
    page_info: "ListJobsJobsPageInfo" = Field(alias="pageInfo")
    edges: list["ListJobsJobsEdges"]


ListJobsJobsPageInfo = PageFields


class ListJobsJobsEdges(BaseModel):
    node: "ListJobsJobsEdgesNode"


ListJobsJobsEdgesNode = JobFields
ListJobs.model_rebuild()
ListJobsJobs.model_rebuild()
ListJobsJobsEdges.model_rebuild()
