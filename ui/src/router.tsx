import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from "react";

const listeners = new Set<() => void>();

function notify(): void {
  for (const listener of listeners) listener();
}

window.addEventListener("popstate", notify);

function listen(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (options.replace) window.history.replaceState(null, "", to);
  else window.history.pushState(null, "", to);
  notify();
}

export interface Location {
  pathname: string;
  search: string;
}

let cached: Location = { pathname: window.location.pathname, search: window.location.search };

function snapshot(): Location {
  const { pathname, search } = window.location;
  if (cached.pathname !== pathname || cached.search !== search) cached = { pathname, search };
  return cached;
}

export function useLocation(): Location {
  return useSyncExternalStore(listen, snapshot);
}

/** `/a/:b` against a pathname: the decoded parameters, or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const want = pattern.split("/");
  const have = pathname.replace(/\/+$/, "").split("/");
  if (pathname === "/") have.splice(1, 1, "");
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = have[index] ?? "";
    if (part.startsWith(":")) {
      if (actual === "") return null;
      params[part.slice(1)] = decodeURIComponent(actual);
    } else if (part !== actual) return null;
  }
  return params;
}

export function useSearchParams(): URLSearchParams {
  const { search } = useLocation();
  return new URLSearchParams(search);
}

export type ParamValue = string | number | readonly string[] | null | undefined;

/** The current URL with some query parameters set (null, "" or [] removes one; a list repeats it). */
export function withParams(updates: Record<string, ParamValue>): string {
  const params = new URLSearchParams(window.location.search);
  for (const [name, value] of Object.entries(updates)) {
    params.delete(name);
    if (typeof value === "object" && value !== null) for (const each of value) params.append(name, each);
    else if (value !== null && value !== undefined && value !== "") params.set(name, String(value));
  }
  const query = params.toString();
  return `${window.location.pathname}${query ? `?${query}` : ""}`;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, "href"> & { to: string; children: ReactNode };

export function Link({ to, children, onClick, ...rest }: LinkProps) {
  const follow = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={follow} {...rest}>
      {children}
    </a>
  );
}

export const path = {
  datasets: () => "/",
  dataset: (id: string) => `/datasets/${encodeURIComponent(id)}`,
  job: (id: string) => `/jobs/${encodeURIComponent(id)}`,
  evaluation: (id: string) => `/evaluations/${encodeURIComponent(id)}`,
  entries: (id: string) => `/evaluations/${encodeURIComponent(id)}/entries`,
  compare: (baseId: string, otherId: string) =>
    `/compare?${new URLSearchParams({ base: baseId, other: otherId }).toString()}`,
  item: (evaluationId: string, itemId: string) =>
    `/evaluations/${encodeURIComponent(evaluationId)}/items/${encodeURIComponent(itemId)}`,
};
