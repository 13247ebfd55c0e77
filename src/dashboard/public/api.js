// The query routes of DESIGN.md §7, read with the viewer token; nothing here writes.

const TOKEN_KEY = 'norms-ledger.viewer-token';

export const storedToken = () => {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
};

export const storeToken = (token) => {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    // Private mode without storage: the token then lives for this page only.
  }
};

/** 401: the token is missing, mistyped or revoked; 403: it is not allowed to read. */
export class TokenError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

/** The server did not answer at all. */
export class ServerDownError extends Error {}

/** The server answered with a problem we do not handle specially. */
export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const query = (params) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const createApi = (getToken) => {
  const get = async (path, params = {}, signal) => {
    let response;
    try {
      response = await fetch(`${path}${query(params)}`, {
        headers: { Authorization: `Bearer ${getToken()}`, Accept: 'application/json' },
        signal,
      });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ServerDownError('The ledger server is not answering.');
    }
    if (response.ok) return response.json();
    let detail = '';
    try {
      detail = (await response.json()).detail ?? '';
    } catch {
      // Not problem+json (a proxy's page, say): the status is all we have.
    }
    if (response.status === 401 || response.status === 403) throw new TokenError(detail, response.status);
    if (response.status >= 502 && response.status <= 504) throw new ServerDownError('The ledger server is not answering.');
    throw new ApiError(detail || `The server answered ${response.status}.`, response.status);
  };

  const enc = encodeURIComponent;
  return {
    tracks: (signal) => get('/tracks', {}, signal),
    board: (trackId, cut, signal) => get(`/tracks/${enc(trackId)}/board`, cut, signal),
    matrix: (trackId, cut, signal) => get(`/tracks/${enc(trackId)}/matrix`, cut, signal),
    sessions: (trackId, cut, signal) => get(`/tracks/${enc(trackId)}/sessions`, cut, signal),
    subject: (kind, id, cut, signal) => get(`/${kind}s/${enc(id)}`, cut, signal),
    session: (sessionId, cut, signal) => get(`/sessions/${enc(sessionId)}`, cut, signal),
    /** The registry (parties, agencies, delegates) under the cut: who was registered on that date. */
    registry: (trackId, cut, signal) => get(`/tracks/${enc(trackId)}`, cut, signal),

    /**
     * EventSource cannot send an Authorization header, so the token rides as `access_token`, which
     * the server accepts on this route only and cuts from the URL before anything logs it.
     */
    live: (trackId, handlers) => {
      const source = new EventSource(`/tracks/${enc(trackId)}/board/live${query({ access_token: getToken() })}`);
      const parse = (event) => {
        try {
          return JSON.parse(event.data);
        } catch {
          return null;
        }
      };
      source.addEventListener('open', () => handlers.open());
      source.addEventListener('snapshot', (event) => {
        const data = parse(event);
        if (data) handlers.snapshot(data);
      });
      const onRow = (event) => {
        const data = parse(event);
        // Either the row itself or an envelope around it.
        const row = data && (data.row ?? data);
        if (row && row.id) handlers.row(row);
      };
      source.addEventListener('row', onRow);
      source.addEventListener('message', onRow);
      source.addEventListener('error', () => handlers.error(source.readyState === EventSource.CLOSED));
      return () => source.close();
    },
  };
};
