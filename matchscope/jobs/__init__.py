"""Jobs: the queue interface, arq worker settings and task, the in-process runner, and job progress events."""
