import { useCallback, useEffect, useRef, useState } from "react";
import { request } from "./api/client";
import type { TypedDocumentString } from "./gql/graphql";

export interface QueryState<Result> {
  data: Result | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a query whenever its variables change; keeps the last data while the next answer loads. */
export function useQuery<Result, Variables>(
  document: TypedDocumentString<Result, Variables>,
  variables: Variables,
  options: { skip?: boolean } = {},
): QueryState<Result> {
  const [data, setData] = useState<Result>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(!options.skip);
  const [generation, setGeneration] = useState(0);
  const key = JSON.stringify(variables);
  const skip = options.skip ?? false;
  const variablesRef = useRef(variables);
  variablesRef.current = variables;

  useEffect(() => {
    if (skip) return;
    const controller = new AbortController();
    setLoading(true);
    request(document, variablesRef.current, controller.signal).then(
      (result) => {
        setData(result);
        setError(null);
        setLoading(false);
      },
      (failure: unknown) => {
        if (controller.signal.aborted) return;
        setError(failure instanceof Error ? failure.message : String(failure));
        setLoading(false);
      },
    );
    return () => {
      controller.abort();
    };
  }, [document, key, skip, generation]);

  const reload = useCallback(() => {
    setGeneration((value) => value + 1);
  }, []);
  return { data, error, loading, reload };
}

export function useDebounced<Value>(value: Value, delayMs: number): Value {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => {
      setSettled(value);
    }, delayMs);
    return () => {
      window.clearTimeout(timer);
    };
  }, [value, delayMs]);
  return settled;
}
