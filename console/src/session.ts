// The admin key lives in sessionStorage only: it is gone when the tab closes, is never written to localStorage,
// cookies or the URL, and is sent only as a bearer header to this origin.
const STORAGE_KEY = "serendip.console.adminKey";

export function readKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function clearKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable: nothing was stored
  }
}
