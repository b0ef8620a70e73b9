// The page's state and its poll: the list (and the open run) are read again every POLL_MS.
import { ApiError, Unauthorized, cancelRun, getRun, listRuns, liveRun, runStats, setToken, token } from './api.js';
import { TERMINAL, renderRuns } from './runs.js';
import { renderProgress } from './detail.js';
import { loadComponents, wireStart } from './start.js';
import { wireBulkCancel } from './bulk.js';
import { renderChart } from './chart.js';

// Polling, not a stream: the list is one read of the store, polling works through every proxy, and a page left
// open costs one small request per interval.
const POLL_MS = 1500;
const PAGE_SIZE = 50;
// The chart sums up an hour of runs: every few seconds is enough for per-minute bars. It is read on its own clock,
// so a slow chart never holds up the list.
const CHART_MS = 6000;
// An open run in progress is read faster, from its live state in the server's memory (not the store): its answer
// grows on the page as the model streams it, a few times a second.
const LIVE_MS = 250;

const $ = id => document.getElementById(id);

const state = {
  filters: { status: '', component_id: '', user_id: '' },
  page: 1,
  totalPages: 1,
  selected: null,
  timer: null,
  waitingForToken: false,
  // Each poll's number: a poll that finds a newer one started (a click, a filter, the end of a live run) stops
  // without painting, so an older answer never covers a newer one.
  pollSeq: 0,
  painted: 0,
  cancelling: false,
  chartTimer: null,
  chartSeq: 0,
  run: null,
  live: null,
  liveTimer: null,
};

const detailUi = {
  title: $('detail-title'),
  summary: $('detail-summary'),
  cancel: $('cancel'),
  error: $('detail-error'),
  tree: $('tree'),
  timeline: $('timeline'),
  content: $('content'),
  contentNote: $('content-note'),
};

/** Shows (or, with '', hides) the page's message; the same message again is not announced again. */
function showMessage(text) {
  const m = $('message');
  if (m.textContent !== text) {
    m.textContent = text;
  }
  m.hidden = !text;
}

/** Whether the page is out of sight: it then reads nothing, and reads again as soon as it is seen. */
function asleep() {
  return document.hidden || state.waitingForToken;
}

function askForToken(e) {
  state.waitingForToken = true;
  showMessage(e.hadToken
      ? 'The token was refused (401): ' + e.detail
      : 'This server needs a token (401): ' + e.detail + '. Enter its security key or a JWT.');
  $('token-form').hidden = false;
  $('live').textContent = 'Waiting for a token';
  $('token').focus();
}

function failed(e) {
  if (e instanceof Unauthorized) {
    askForToken(e);
    return;
  }
  showMessage(e instanceof ApiError ? e.message : 'Unexpected problem: ' + e);
}

async function refreshList(current) {
  const page = await listRuns(state.filters, state.page, PAGE_SIZE);
  if (!current()) {
    return;
  }
  state.totalPages = Math.max(1, page.meta.total_pages);
  renderRuns($('runs-body'), page, state.selected, openRun);
  $('runs-caption').textContent = page.meta.total_count === 0 ? 'No runs match'
      : page.meta.total_count + ' run' + (page.meta.total_count === 1 ? '' : 's') + ', newest first';
  $('page-info').textContent = 'Page ' + state.page + ' of ' + state.totalPages;
  $('page-prev').disabled = state.page <= 1;
  $('page-next').disabled = state.page >= state.totalPages;
}

async function refreshDetail(current) {
  if (!state.selected) {
    return;
  }
  const run = await getRun(state.selected);
  if (current() && run.run_id === state.selected) {
    state.run = run;
    // Between two reads of the live state, the newest of it stands for a run that has not ended as stored.
    const here = state.live !== null && state.live.run_id === run.run_id ? state.live.executing_here : null;
    const live = here === true && !TERMINAL.has(run.status);
    renderProgress(detailUi, live ? state.live.run : run, here);
    followLive();
  }
}

/**
 * While the open run has not ended and this server executes it, reads its live state every LIVE_MS. A chain of
 * reads is one timer at a time: opening another run stops it ({@link stopLive}), and a read that finds the chain
 * replaced leaves it alone.
 */
function followLive() {
  // A paused run waits for a person, not a model: nothing of it moves until it is continued.
  if (state.liveTimer !== null || !state.run || TERMINAL.has(state.run.status) || state.run.status === 'PAUSED'
      || asleep()) {
    return;
  }
  const runId = state.run.run_id;
  const timer = setTimeout(async () => {
    let again = false;
    try {
      const live = await liveRun(runId);
      if (state.selected === runId && state.run && state.run.run_id === runId) {
        const wasHere = state.live !== null && state.live.run_id === runId && state.live.executing_here;
        state.live = live;
        // A read sent before the store had the run's end must not paint it running again.
        if (live.executing_here && !TERMINAL.has(state.run.status)) {
          renderProgress(detailUi, live.run, true);
        }
        const over = TERMINAL.has(live.run.status);
        // The live state ends with the run: the store then has its end, which a poll brings at once.
        if (over || (wasHere && !live.executing_here) || live.run.status === 'PAUSED') {
          poll();
        }
        // Elsewhere or paused: the list's poll looks again, at its pace.
        again = live.executing_here && !over && live.run.status !== 'PAUSED';
      }
    } catch (e) {
      failed(e);
    }
    if (state.liveTimer === timer) {
      state.liveTimer = null;
      if (again && state.selected === runId) {
        followLive();
      }
    }
  }, LIVE_MS);
  state.liveTimer = timer;
}

function stopLive() {
  clearTimeout(state.liveTimer);
  state.liveTimer = null;
  state.run = null;
  state.live = null;
}

/** Reads the list (and the open run) now, then again every POLL_MS while the page is seen. */
async function poll() {
  clearTimeout(state.timer);
  state.timer = null;
  const seq = ++state.pollSeq;
  if (asleep()) {
    return;
  }
  const current = () => seq === state.pollSeq;
  try {
    await loadComponents();
    await refreshList(current);
    await refreshDetail(current);
    if (!current()) {
      return; // the newer poll paints, and sets the clock
    }
    showMessage('');
    $('live').textContent = 'Live, updated ' + new Date().toLocaleTimeString(undefined, { hour12: false });
    $('live').dataset.polls = String(++state.painted); // how many polls have painted: for tests and curious people
  } catch (e) {
    if (!current()) {
      return;
    }
    failed(e);
  }
  if (!asleep()) {
    state.timer = setTimeout(poll, POLL_MS);
  }
}

/** Reads the chart now, then every CHART_MS while the page is seen; a failure is left to the list's poll to say. */
async function pollChart() {
  clearTimeout(state.chartTimer);
  state.chartTimer = null;
  const seq = ++state.chartSeq;
  if (asleep()) {
    return;
  }
  try {
    const stats = await runStats(state.filters);
    if (seq === state.chartSeq) {
      renderChart(stats);
    }
  } catch (e) {
    // The list reads the same store with the same credentials: its poll shows what is wrong.
  }
  if (seq === state.chartSeq && !asleep()) {
    state.chartTimer = setTimeout(pollChart, CHART_MS);
  }
}

/** Reads everything again: after a token, a change of filters, or the page coming back into sight. */
function wake() {
  poll();
  pollChart();
}

function openRun(runId) {
  state.selected = runId;
  stopLive();
  detailUi.shown = null;
  $('cancel-result').textContent = '';
  $('detail').hidden = false;
  poll().then(() => $('detail-title').focus());
}

function closeDetail() {
  const was = state.selected;
  state.selected = null;
  stopLive();
  $('detail').hidden = true;
  // Back to the run's Open button; when its row has left the list, to the list's heading.
  const open = document.querySelector('tr[data-run-id="' + CSS.escape(was || '') + '"] button.open');
  (open || $('list-title')).focus();
  poll();
}

async function cancelSelected() {
  const runId = state.selected;
  if (!runId || state.cancelling) {
    return;
  }
  // Not disabled while asked: a disabled button loses the keyboard focus. A second press meanwhile does nothing.
  state.cancelling = true;
  $('cancel').setAttribute('aria-disabled', 'true');
  try {
    const result = await cancelRun(runId);
    $('cancel-result').textContent = result.outcome + ': ' + result.message;
  } catch (e) {
    failed(e);
  } finally {
    state.cancelling = false;
    $('cancel').removeAttribute('aria-disabled');
  }
  poll();
}

function wire() {
  $('detail-title').tabIndex = -1;
  $('list-title').tabIndex = -1;
  $('token-form').addEventListener('submit', e => {
    e.preventDefault();
    setToken($('token').value.trim());
    $('token').value = '';
    $('token-form').hidden = true;
    state.waitingForToken = false;
    showMessage('');
    wake();
  });
  $('filters').addEventListener('submit', e => {
    e.preventDefault();
    state.filters = {
      status: $('filter-status').value,
      component_id: $('filter-component').value.trim(),
      user_id: $('filter-user').value.trim(),
    };
    state.page = 1;
    wake(); // the chart follows the filters at once
  });
  $('filter-status').addEventListener('change', () => $('filters').requestSubmit());
  $('page-prev').addEventListener('click', () => { state.page = Math.max(1, state.page - 1); poll(); });
  $('page-next').addEventListener('click', () => { state.page = Math.min(state.totalPages, state.page + 1); poll(); });
  $('detail-close').addEventListener('click', closeDetail);
  $('cancel').addEventListener('click', cancelSelected);
  wireStart(openRun, failed);
  const dismissBulk = wireBulkCancel(() => state.filters, poll, failed);
  // Escape closes what is on top: the bulk question first, then the detail — not while typing in a field, where
  // Escape belongs to the field.
  document.addEventListener('keydown', e => {
    if (e.key !== 'Escape' || e.defaultPrevented) {
      return;
    }
    if (dismissBulk()) {
      e.preventDefault();
      return;
    }
    const typing = e.target instanceof HTMLElement && e.target.matches('input, textarea, select');
    if (state.selected && !typing) {
      e.preventDefault();
      closeDetail();
    }
  });
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) {
      clearTimeout(state.timer);
      clearTimeout(state.chartTimer);
      clearTimeout(state.liveTimer);
      state.timer = null;
      state.chartTimer = null;
      state.liveTimer = null;
    } else {
      wake(); // its detail's live reads start again from the poll
    }
  });
  if (token()) {
    $('token-form').hidden = true;
  }
}

wire();
wake();
