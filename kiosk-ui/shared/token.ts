/**
 * Device tokens (kiosk, display) arrive once as ?token=T (the URL the supervisor registers), are kept
 * in localStorage['ktp.token'] and removed from the address bar so they do not linger on screen.
 * Operator and supervisor sessions are kept under their own keys, so a development browser that
 * opens several screens does not overwrite one credential with another.
 */
export const DEVICE_TOKEN_KEY = 'ktp.token';

export function adoptDeviceToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      localStorage.setItem(DEVICE_TOKEN_KEY, fromUrl);
    } catch {
      // storage disabled (private mode): the token still works for this page's life
    }
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return readStored(DEVICE_TOKEN_KEY);
}

export function readStored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function writeStored(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // storage disabled: the session lives until the page is closed
  }
}
