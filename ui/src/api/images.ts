import { useEffect, useState } from "react";
import { bearer } from "./key";

/**
 * An image the browser can show. Same-origin routes need the API key, which an <image href> cannot send: those are
 * fetched with it and shown from a blob URL. Other http(s) URLs are the item's own and load directly.
 */
export function useImage(url: string | null | undefined): string | null {
  const sameOrigin = typeof url === "string" && url.startsWith("/");
  const [blobUrl, setBlobUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!sameOrigin) return;
    const controller = new AbortController();
    let created: string | null = null;
    fetch(url, { headers: { Authorization: bearer() }, signal: controller.signal })
      .then((response) => (response.ok ? response.blob() : null))
      .then((blob) => {
        if (blob) {
          created = URL.createObjectURL(blob);
          setBlobUrl(created);
        }
      })
      .catch(() => undefined);
    return () => {
      controller.abort();
      if (created) URL.revokeObjectURL(created);
      setBlobUrl(null);
    };
  }, [url, sameOrigin]);
  if (!url) return null;
  return sameOrigin ? blobUrl : url;
}
