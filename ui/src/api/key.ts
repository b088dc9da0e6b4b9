const STORAGE_KEY = "matchscope.apiKey";

export function getKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function setKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function clearKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export function bearer(): string {
  return `Bearer ${getKey() ?? ""}`;
}
