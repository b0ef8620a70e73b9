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
// The chart reads up to an hour of runs: every few polls is enough for per-minute bars.
const CHART_EVERY = 4;
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
  polls: 0,
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

function showMessage(text) {
  const m = $('message');
  m.textContent = text;
  m.hidden = !text;
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

async function refreshList() {
  const page = await listRuns(state.filters, state.page, PAGE_SIZE);
  state.totalPages = Math.max(1, page.meta.total_pages);
  renderRuns($('runs-body'), page, state.selected, openRun);
  $('runs-caption').textContent = page.meta.total_count === 0 ? 'No runs match'
      : page.meta.total_count + ' run' + (page.meta.total_count === 1 ? '' : 's') + ', newest first';
  $('page-info').textContent = 'Page ' + state.page + ' of ' + state.totalPages;
  $('page-prev').disabled = state.page <= 1;
  $('page-next').disabled = state.page >= state.totalPages;
}

async function refreshDetail() {
  if (!state.selected) {
    return;
  }
  const run = await getRun(state.selected);
  if (run.run_id === state.selected) {
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
  if (state.liveTimer !== null || !state.run || TERMINAL.has(state.run.status)) {
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
        if ((over || (wasHere && !live.executing_here)) && !state.waitingForToken) {
          poll();
        }
        again = live.executing_here && !over; // elsewhere: the list's poll looks again, at its pace
      }
    } catch (e) {
      failed(e);
    }
    if (state.liveTimer === timer) {
      state.liveTimer = null;
      if (again && state.selected === runId && !state.waitingForToken) {
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

async function poll() {
  clearTimeout(state.timer);
  if (state.waitingForToken) {
    return;
  }
  try {
    await loadComponents();
    await refreshList();
    if (state.polls++ % CHART_EVERY === 0) {
      renderChart(await runStats(state.filters));
    }
    await refreshDetail();
    showMessage('');
    $('live').textContent = 'Live, updated ' + new Date().toLocaleTimeString(undefined, { hour12: false });
  } catch (e) {
    failed(e);
  }
  if (!state.waitingForToken) {
    state.timer = setTimeout(poll, POLL_MS);
  }
}

function openRun(runId) {
  state.selected = runId;
  stopLive();
  $('cancel-result').textContent = '';
  $('detail').hidden = false;
  poll().then(() => $('detail-title').focus());
}

function closeDetail() {
  const was = state.selected;
  state.selected = null;
  stopLive();
  $('detail').hidden = true;
  const open = document.querySelector('tr[data-run-id="' + CSS.escape(was || '') + '"] button.open');
  if (open) {
    open.focus();
  }
  poll();
}

async function cancelSelected() {
  const runId = state.selected;
  if (!runId) {
    return;
  }
  $('cancel').disabled = true;
  try {
    const result = await cancelRun(runId);
    $('cancel-result').textContent = result.outcome + ': ' + result.message;
  } catch (e) {
    failed(e);
  } finally {
    $('cancel').disabled = false;
  }
  poll();
}

function wire() {
  $('detail-title').tabIndex = -1;
  $('token-form').addEventListener('submit', e => {
    e.preventDefault();
    setToken($('token').value.trim());
    $('token').value = '';
    $('token-form').hidden = true;
    state.waitingForToken = false;
    showMessage('');
    poll();
  });
  $('filters').addEventListener('submit', e => {
    e.preventDefault();
    state.filters = {
      status: $('filter-status').value,
      component_id: $('filter-component').value.trim(),
      user_id: $('filter-user').value.trim(),
    };
    state.page = 1;
    state.polls = 0; // the chart follows the filters at once
    poll();
  });
  $('filter-status').addEventListener('change', () => $('filters').requestSubmit());
  $('page-prev').addEventListener('click', () => { state.page = Math.max(1, state.page - 1); poll(); });
  $('page-next').addEventListener('click', () => { state.page = Math.min(state.totalPages, state.page + 1); poll(); });
  $('detail-close').addEventListener('click', closeDetail);
  $('cancel').addEventListener('click', cancelSelected);
  document.addEventListener('keydown', e => {
    if (e.key === 'Escape' && state.selected) {
      closeDetail();
    }
  });
  wireStart(openRun, failed);
  wireBulkCancel(() => state.filters, poll, failed);
  if (token()) {
    $('token-form').hidden = true;
  }
}

wire();
poll();
