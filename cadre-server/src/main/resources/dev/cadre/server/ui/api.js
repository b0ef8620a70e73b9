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

async function call(method, path, body) {
  const headers = { 'Accept': 'application/json' };
  const t = token();
  if (t) {
    headers['Authorization'] = 'Bearer ' + t;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError('no answer', 'the server cannot be reached (' + e.message + ')');
  }
  let answer = null;
  try {
    answer = await response.json();
  } catch (e) {
    answer = null;
  }
  if (response.status === 401) {
    throw new Unauthorized(detailOf(answer), t !== '');
  }
  if (!response.ok) {
    throw new ApiError(response.status, detailOf(answer));
  }
  return answer;
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

/** The agents and teams the caller may see, as [{kind, id, name}]. */
export async function listComponents() {
  const [agents, teams] = await Promise.all([call('GET', '/agents'), call('GET', '/teams')]);
  return [...teams.map(t => ({ kind: 'teams', id: t.id, name: t.name })),
    ...agents.map(a => ({ kind: 'agents', id: a.id, name: a.name }))];
}

/** Starts a background run of an agent or team; the answer holds its run_id (202). */
export function startRun(kind, id, message) {
  const form = new FormData();
  form.set('message', message);
  form.set('stream', 'false');
  form.set('background', 'true');
  return call('POST', '/' + kind + '/' + encodeURIComponent(id) + '/runs', form);
}

/** The chart's figures for the last hour (runs per minute by status, p50/p95 duration). */
export function runStats(filters) {
  const q = new URLSearchParams();
  for (const k of ['component_id', 'user_id']) {
    if (filters[k]) {
      q.set(k, filters[k]);
    }
  }
  return call('GET', '/ui/api/stats?' + q.toString());
}
