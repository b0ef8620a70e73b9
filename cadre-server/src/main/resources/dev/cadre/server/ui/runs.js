// The runs list: one table row per run, kept and updated in place from each poll.
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

/** Sets a cell's text only when it changed: an unchanged cell is left alone for screen readers and selections. */
function setText(td, text) {
  const t = text === null || text === undefined ? '' : String(text);
  if (td.textContent !== t) {
    td.textContent = t;
  }
}

const COLUMNS = 9;

function newRow(runId, onOpen) {
  const tr = document.createElement('tr');
  tr.dataset.runId = runId;
  for (let i = 0; i < COLUMNS; i++) {
    tr.appendChild(document.createElement('td'));
  }
  tr.cells[3].className = 'mono';
  tr.cells[7].className = 'mono';
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'open';
  open.textContent = 'Open ' + shortId(runId);
  open.setAttribute('aria-label', 'Open run ' + runId);
  open.addEventListener('click', () => onOpen(runId));
  tr.cells[8].appendChild(open);
  return tr;
}

function fillRow(tr, run, selected, now) {
  tr.dataset.status = run.status;
  tr.classList.toggle('selected', run.run_id === selected);
  const c = tr.cells;
  const badge = c[0].firstElementChild;
  if (!badge || badge.textContent !== run.status) {
    c[0].replaceChildren(statusBadge(run.status));
  }
  setText(c[1], run.component_name + ' (' + run.component_type + ' ' + run.component_id + ')');
  setText(c[2], run.user_id || '—');
  setText(c[3], shortId(run.session_id));
  c[3].title = run.session_id;
  setText(c[4], formatTime(run.created_at));
  setText(c[5], formatDuration(durationOf(run, now)));
  setText(c[6], run.total_tokens);
  setText(c[7], run.instance_id || '—');
}

/**
 * Shows the page's runs in the table body, updating the rows already there in place: a poll neither takes the
 * keyboard focus off an Open button nor makes a screen reader read the table again. {@code onOpen(runId)} is called
 * when a run's Open button is used; {@code selected} is the run whose detail is shown.
 */
export function renderRuns(body, page, selected, onOpen) {
  const now = Date.now();
  const focused = body.contains(document.activeElement) ? document.activeElement.closest('tr') : null;
  const existing = new Map([...body.rows].map(tr => [tr.dataset.runId, tr]));
  const rows = page.data.map(run => {
    const tr = existing.get(run.run_id) || newRow(run.run_id, onOpen);
    fillRow(tr, run, selected, now);
    return tr;
  });
  // Rows that left first, then the new ones into their places: a row already in order is never moved (moving an
  // element takes the focus off it).
  const keep = new Set(rows);
  for (const tr of [...body.rows]) {
    if (!keep.has(tr)) {
      tr.remove();
    }
  }
  rows.forEach((tr, i) => {
    if (body.rows[i] !== tr) {
      body.insertBefore(tr, body.rows[i] || null);
    }
  });
  if (focused && rows.includes(focused) && !focused.contains(document.activeElement)) {
    focused.querySelector('button.open').focus();
  }
}
