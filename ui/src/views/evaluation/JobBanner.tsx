import { JobQuery } from "../../api/operations";
import { useQuery } from "../../hooks";

/** Shown when the page was opened by a finished job: what the job reported. */
export function JobBanner({ jobId }: { jobId: string }) {
  const { data } = useQuery(JobQuery, { id: jobId });
  const job = data?.job;
  if (!job) return null;
  return (
    <p className="panel banner" data-testid="job-banner" data-status={job.status}>
      Job {job.status}: {job.completedSteps} / {job.totalSteps} items ({Math.round(job.progress * 100)}%)
      {job.errors.length > 0 && ` — ${job.errors.join("; ")}`}
    </p>
  );
}
