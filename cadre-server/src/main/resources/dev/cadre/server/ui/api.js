// Talks to the server this page came from: the token (if any) from session storage, sent as a bearer token.
const TOKEN_KEY = 'cadre.dashboard.token';

/** A refusal of the token (401): the page asks for another one. */
export class Unauthorized extends Error {
  constructor(detail, hadToken) {
    super(detail);
    this.detail = detail;
    this.hadToken = hadToken;
  }
}

/** Any other answer that is not a 2xx, with the server's detail. */
export class ApiError extends Error {
  constructor(status, detail) {
    super('The server answered ' + status + ': ' + detail);
    this.status = status;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(value) {
  if (value) {
    sessionStorage.setItem(TOKEN_KEY, value);
  } else {
    sessionStorage.removeItem(TOKEN_KEY);
  }
}

function detailOf(body) {
  if (body && typeof body.detail === 'string') {
    return body.detail;
  }
  if (body && Array.isArray(body.detail)) {
    return body.detail.map(d => (d.loc ? d.loc.join('.') + ': ' : '') + d.msg).join('; ');
  }
  return 'no detail';
}

async function call(method, path) {
  const headers = { 'Accept': 'application/json' };
  const t = token();
  if (t) {
    headers['Authorization'] = 'Bearer ' + t;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError('no answer', 'the server cannot be reached (' + e.message + ')');
  }
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    body = null;
  }
  if (response.status === 401) {
    throw new Unauthorized(detailOf(body), t !== '');
  }
  if (!response.ok) {
    throw new ApiError(response.status, detailOf(body));
  }
  return body;
}

/** One page of runs across sessions, newest first. */
export function listRuns(filters, page, limit) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) {
    if (v) {
      q.set(k, v);
    }
  }
  q.set('page', String(page));
  q.set('limit', String(limit));
  return call('GET', '/ui/api/runs?' + q.toString());
}

/** A run with its member runs and stored events. */
export function getRun(runId) {
  return call('GET', '/runs/' + encodeURIComponent(runId));
}

/** Cancels a run; the answer is the server's CancelResult (outcome and message). */
export function cancelRun(runId) {
  return call('POST', '/runs/' + encodeURIComponent(runId) + '/cancel');
}
