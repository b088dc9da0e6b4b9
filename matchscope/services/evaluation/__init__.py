"""Evaluation jobs, one module per step; `matchscope.services.evaluate` re-exports the public names.

- status: job statuses and types, the cancellation signal, job messages
- options: evaluation options and their validation
- submit: submission (with dedupe of identical requests), lookup, cancellation requests
- load: one chunk of boxes read from the database, as arrays
- match: greedy matching of one chunk and the per-label counts over chunks
- entries: the MatchEntry rows of one matched chunk
- coco_results: COCO metrics over every chunk
- lifecycle: the transactions that start, complete and abandon a job
- run: the job itself (load → match → write, chunk by chunk)
"""
