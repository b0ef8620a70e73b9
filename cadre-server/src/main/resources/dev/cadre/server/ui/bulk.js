// Cancelling every run of the filtered set that has not ended, after a confirmation in the page.
import { Unauthorized, cancelRun, listRuns } from './api.js';
import { TERMINAL } from './runs.js';

const $ = id => document.getElementById(id);
const PAGE = 1000;

/** The ids of the runs matching {@code filters} that have not ended, read page by page. */
async function openRuns(filters) {
  const ids = [];
  for (let page = 1; ; page++) {
    const answer = await listRuns(filters, page, PAGE);
    for (const run of answer.data) {
      if (!TERMINAL.has(run.status)) {
        ids.push(run.run_id);
      }
    }
    if (page >= answer.meta.total_pages) {
      return ids;
    }
  }
}

function summary(outcomes) {
  const counts = new Map();
  for (const o of outcomes) {
    counts.set(o, (counts.get(o) || 0) + 1);
  }
  return [...counts].map(([o, n]) => n + ' ' + o.toLowerCase().replaceAll('_', ' ')).join(', ');
}

/**
 * Wires the bulk cancel: the button counts the runs to cancel and asks; Yes cancels them one by one through the
 * cancel route (each with its own permission check) and says how they ended — a run that cannot be cancelled is
 * counted and named, and the others are still cancelled; a refused token (401) stops it. {@code filters()} gives the
 * list's current filters; {@code onDone()} refreshes the page; {@code onFailure(e)} shows a problem. Returns
 * {@code dismiss()}: closes the question as No does, and says whether it was open (for the Escape key).
 */
export function wireBulkCancel(filters, onDone, onFailure) {
  let pending = [];
  const ask = $('bulk-confirm');
  const result = $('bulk-result');
  $('bulk-cancel').addEventListener('click', async () => {
    result.textContent = '';
    try {
      pending = await openRuns(filters());
    } catch (e) {
      onFailure(e);
      return;
    }
    if (pending.length === 0) {
      result.textContent = 'No run of this list is still going.';
      return;
    }
    $('bulk-question').textContent = 'Cancel ' + pending.length + ' run' + (pending.length === 1 ? '' : 's')
        + ' of this list that ' + (pending.length === 1 ? 'has' : 'have') + ' not ended?';
    ask.hidden = false;
    $('bulk-yes').focus();
  });
  const dismiss = () => {
    if (ask.hidden) {
      return false;
    }
    ask.hidden = true;
    pending = [];
    $('bulk-cancel').focus();
    return true;
  };
  $('bulk-no').addEventListener('click', dismiss);
  $('bulk-yes').addEventListener('click', async () => {
    ask.hidden = true;
    const ids = pending;
    pending = [];
    const outcomes = [];
    const failures = [];
    for (const id of ids) {
      try {
        outcomes.push((await cancelRun(id)).outcome);
      } catch (e) {
        if (e instanceof Unauthorized) {
          onFailure(e);
          break;
        }
        failures.push(id + ' (' + e.message + ')');
      }
    }
    const shown = failures.slice(0, 3).join('; ') + (failures.length > 3 ? '; and ' + (failures.length - 3)
        + ' more' : '');
    result.textContent = (outcomes.length > 0 ? 'Cancelled: ' + summary(outcomes) + '.' : '')
        + (failures.length > 0 ? ' Not cancelled: ' + failures.length + ' — ' + shown + '.' : '');
    $('bulk-cancel').focus();
    onDone();
  });
  return dismiss;
}
