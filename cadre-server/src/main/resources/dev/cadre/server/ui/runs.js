// The runs list: one table row per run, rebuilt from each poll.
export const TERMINAL = new Set(['COMPLETED', 'ERROR', 'CANCELLED']);

export function statusBadge(status) {
  const span = document.createElement('span');
  span.className = 'status status-' + status;
  span.textContent = status;
  return span;
}

export function formatTime(epochMillis) {
  if (epochMillis === null || epochMillis === undefined) {
    return '';
  }
  const d = new Date(epochMillis);
  return d.toLocaleString(undefined, { hour12: false });
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) {
    return '';
  }
  if (ms < 1000) {
    return ms + ' ms';
  }
  const s = ms / 1000;
  if (s < 60) {
    return s.toFixed(1) + ' s';
  }
  const m = Math.floor(s / 60);
  return m + ' min ' + Math.round(s - m * 60) + ' s';
}

function cell(row, text, className) {
  const td = document.createElement('td');
  if (text instanceof Node) {
    td.appendChild(text);
  } else {
    td.textContent = text === null || text === undefined ? '' : String(text);
  }
  if (className) {
    td.className = className;
  }
  row.appendChild(td);
  return td;
}

function shortId(id) {
  return id && id.length > 12 ? id.slice(0, 8) + '…' : (id || '');
}

/** A run's duration: the stored one once it ended, else the time since it started. */
function durationOf(run, now) {
  if (run.duration_ms !== null && run.duration_ms !== undefined) {
    return run.duration_ms;
  }
  return TERMINAL.has(run.status) ? null : Math.max(0, now - run.created_at);
}

/**
 * Fills the table body with the page's runs. {@code onOpen(runId)} is called when a run's Open button is used;
 * {@code selected} is the run whose detail is shown.
 */
export function renderRuns(body, page, selected, onOpen) {
  const now = Date.now();
  const rows = [];
  for (const run of page.data) {
    const tr = document.createElement('tr');
    tr.dataset.runId = run.run_id;
    tr.dataset.status = run.status;
    if (run.run_id === selected) {
      tr.className = 'selected';
    }
    cell(tr, statusBadge(run.status));
    cell(tr, run.component_name + ' (' + run.component_type + ' ' + run.component_id + ')');
    cell(tr, run.user_id || '—');
    const session = cell(tr, shortId(run.session_id), 'mono');
    session.title = run.session_id;
    cell(tr, formatTime(run.created_at));
    cell(tr, formatDuration(durationOf(run, now)));
    cell(tr, run.total_tokens);
    cell(tr, run.instance_id || '—', 'mono');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'open';
    open.textContent = 'Open ' + shortId(run.run_id);
    open.setAttribute('aria-label', 'Open run ' + run.run_id);
    open.addEventListener('click', () => onOpen(run.run_id));
    cell(tr, open);
    rows.push(tr);
  }
  body.replaceChildren(...rows);
}
