/** The display's device token: ?token=T once, then localStorage['ktp.token'] (docs/API.md). */
const KEY = 'ktp.token';

export function adoptDisplayToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      localStorage.setItem(KEY, fromUrl);
    } catch {
      // storage disabled: the token still works while this page is open
    }
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null;
  }
}
