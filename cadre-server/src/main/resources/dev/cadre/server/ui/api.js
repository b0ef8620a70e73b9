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

async function send(method, path, body, accept) {
  const headers = { 'Accept': accept };
  const t = token();
  if (t) {
    headers['Authorization'] = 'Bearer ' + t;
  }
  try {
    return await fetch(path, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError('no answer', 'the server cannot be reached (' + e.message + ')');
  }
}

/** Throws what a refusal means: Unauthorized for a 401, else an ApiError with the server's detail. */
async function refuse(response) {
  let answer = null;
  try {
    answer = await response.json();
  } catch (e) {
    answer = null;
  }
  if (response.status === 401) {
    throw new Unauthorized(detailOf(answer), token() !== '');
  }
  throw new ApiError(response.status, detailOf(answer));
}

async function call(method, path, body) {
  const response = await send(method, path, body, 'application/json');
  if (!response.ok) {
    await refuse(response);
  }
  try {
    return await response.json();
  } catch (e) {
    return null;
  }
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

/**
 * The agents and teams the caller may see, as [{kind, id, name}]. A kind the caller may not list (a 403) counts as
 * none; any other failure of either listing is thrown, for the caller to try again.
 */
export async function listComponents() {
  const [teams, agents] = await Promise.allSettled([call('GET', '/teams'), call('GET', '/agents')]);
  const of = (answer, kind) => {
    if (answer.status === 'fulfilled') {
      return answer.value.map(c => ({ kind, id: c.id, name: c.name }));
    }
    if (answer.reason instanceof ApiError && answer.reason.status === 403) {
      return [];
    }
    throw answer.reason;
  };
  return [...of(teams, 'teams'), ...of(agents, 'agents')];
}

/** Starts a background run of an agent or team; the answer holds its run_id (202). */
export function startRun(kind, id, message) {
  const form = new FormData();
  form.set('message', message);
  form.set('stream', 'false');
  form.set('background', 'true');
  return call('POST', '/' + kind + '/' + encodeURIComponent(id) + '/runs', form);
}

/**
 * Starts a streamed run of an agent or team and reads its Server-Sent Events as they come, calling
 * {@code onEvent(name, data)} for each; resolves when the stream ends. The run is resumable (AgentOS's
 * {@code background=true} with {@code stream=true}): it goes on when this page is left or reloaded.
 */
export async function streamRun(kind, id, message, onEvent) {
  const form = new FormData();
  form.set('message', message);
  form.set('stream', 'true');
  form.set('background', 'true');
  const response = await send('POST', '/' + kind + '/' + encodeURIComponent(id) + '/runs', form, 'text/event-stream');
  if (!response.ok) {
    await refuse(response);
  }
  const reader = response.body.getReader();
  try {
    await readFrames(reader, onEvent);
  } finally {
    reader.cancel().catch(() => {}); // a failure half-way does not leave the stream open
  }
}

async function readFrames(reader, onEvent) {
  const decoder = new TextDecoder();
  let pending = '';
  for (;;) {
    const { value, done } = await reader.read();
    pending += decoder.decode(value || new Uint8Array(), { stream: !done }).replace(/\r\n?/g, '\n');
    let end;
    while ((end = pending.indexOf('\n\n')) >= 0) {
      const frame = pending.slice(0, end);
      pending = pending.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of frame.split('\n')) {
        // As the EventSource standard reads a field: one space after the colon is not part of the value.
        const value = line.slice(line.indexOf(':') + 1).replace(/^ /, '');
        if (line.startsWith('event:')) {
          name = value;
        } else if (line.startsWith('data:')) {
          data.push(value);
        }
      }
      if (data.length > 0) {
        onEvent(name, JSON.parse(data.join('\n'))); // a frame's data lines are one value, split at newlines
      }
    }
    if (done) {
      return;
    }
  }
}

/** What runs of a run's tree this server executes have so far, streamed but not stored yet. */
export function liveRun(runId) {
  return call('GET', '/ui/api/runs/' + encodeURIComponent(runId) + '/live');
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
