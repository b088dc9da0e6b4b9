import { useEffect, useState } from "react";
import { request } from "../api/client";
import { CancelJobMutation, JobQuery, JobUpdatesSubscription } from "../api/operations";
import { subscribe } from "../api/subscriptions";
import { ErrorNote, Loading } from "../components/Status";
import type { JobFieldsFragment } from "../gql/graphql";
import { when } from "../format";
import { Link, navigate, path } from "../router";

const FINISHED = new Set(["COMPLETED", "ERRORED", "CANCELLED"]);

/** The job's state, first read once and then pushed by jobUpdates until it has finished. */
function useLiveJob(jobId: string): { job: JobFieldsFragment | null | undefined; error: string | null } {
  const [job, setJob] = useState<JobFieldsFragment | null>();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    request(JobQuery, { id: jobId }).then(
      (result) => {
        if (live) setJob((current) => current ?? result.job);
      },
      (failure: unknown) => {
        if (live) setError(failure instanceof Error ? failure.message : String(failure));
      },
    );
    const unsubscribe = subscribe(
      JobUpdatesSubscription,
      { id: jobId },
      {
        next: (data) => {
          if (live) setJob(data.jobUpdates);
        },
        error: (message) => {
          if (live) setError(message);
        },
        complete: () => undefined,
      },
    );
    return () => {
      live = false;
      unsubscribe();
    };
  }, [jobId]);
  return { job, error };
}

export function JobView({ jobId }: { jobId: string }) {
  const { job, error } = useLiveJob(jobId);
  const evaluationId = job?.status === "COMPLETED" ? job.evaluation?.id : undefined;
  useEffect(() => {
    if (evaluationId) navigate(`${path.evaluation(evaluationId)}?job=${encodeURIComponent(jobId)}`, { replace: true });
  }, [evaluationId, jobId]);

  if (job === undefined) return error ? <ErrorNote error={error} /> : <Loading what="the job" />;
  if (job === null) return <ErrorNote error={`No job ${jobId} is visible with this key.`} />;
  return (
    <section>
      <h1>Evaluation job</h1>
      <JobProgress job={job} />
      {error && <ErrorNote error={error} />}
      {!FINISHED.has(job.status) && (
        <button
          type="button"
          onClick={() => {
            void request(CancelJobMutation, { id: jobId });
          }}
        >
          Cancel job
        </button>
      )}
    </section>
  );
}

export function JobProgress({ job }: { job: JobFieldsFragment }) {
  const percent = Math.round(job.progress * 100);
  return (
    <div className="panel job" data-testid="job" data-status={job.status}>
      <p>
        <strong data-testid="job-status">{job.status}</strong> · {job.completedSteps} / {job.totalSteps} items ·{" "}
        <span data-testid="job-percent">{percent}%</span>
      </p>
      <progress max={1} value={job.progress} aria-label="job progress" />
      {job.message && <p className="muted">{job.message}</p>}
      {job.errors.length > 0 && (
        <ul className="error" data-testid="job-errors">
          {job.errors.map((message, index) => (
            <li key={index}>{message}</li>
          ))}
        </ul>
      )}
      <p className="muted">
        created {when(job.createdAt)} · started {when(job.startedAt)} · finished {when(job.finishedAt)}
      </p>
      {job.evaluation && job.status === "COMPLETED" && (
        <Link to={path.evaluation(job.evaluation.id)}>open the evaluation</Link>
      )}
    </div>
  );
}
