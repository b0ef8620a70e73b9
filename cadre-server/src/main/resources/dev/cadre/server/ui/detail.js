// A run's detail: its team tree, the events of every run in it, its content and its error.
import { TERMINAL, formatDuration, formatTime, statusBadge } from './runs.js';

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) {
    e.className = className;
  }
  if (text !== undefined && text !== null) {
    e.textContent = String(text);
  }
  return e;
}

function nameOf(run) {
  return run.team_name || run.agent_name || run.team_id || run.agent_id || run.run_id;
}

function kindOf(run) {
  return run.team_id ? 'team' : 'agent';
}

/** Epoch seconds (Agno's run and event times) to milliseconds. */
function millis(t) {
  return typeof t === 'number' ? (t < 1e11 ? t * 1000 : t) : Date.parse(t);
}

function durationMs(run) {
  const d = run.metrics && run.metrics.duration;
  return typeof d === 'number' ? Math.round(d * 1000) : null;
}

function members(run) {
  return Array.isArray(run.member_responses) ? run.member_responses : [];
}

function treeNode(run) {
  const li = el('li');
  li.dataset.runId = run.run_id;
  li.dataset.status = run.status;
  const node = el('div', 'node');
  node.appendChild(statusBadge(run.status));
  node.appendChild(el('span', 'name', nameOf(run) + ' (' + kindOf(run) + ')'));
  const timing = 'started ' + formatTime(millis(run.created_at))
      + (durationMs(run) !== null ? ', took ' + formatDuration(durationMs(run)) : '');
  node.appendChild(el('span', 'timing', timing));
  li.appendChild(node);
  const children = members(run);
  if (children.length > 0) {
    const ul = el('ul');
    for (const m of children) {
      ul.appendChild(treeNode(m));
    }
    li.appendChild(ul);
  }
  return li;
}

/**
 * The events of the tree in the order they happened: each member's events where its delegation is — after the
 * tool call that started it, or before the one that completed it — and members no delegation names at the end.
 * (Event times are whole seconds, too coarse to sort by.)
 */
function allEvents(run, out) {
  const events = Array.isArray(run.events) ? run.events : [];
  const byId = new Map(members(run).map(m => [m.run_id, m]));
  const placed = new Set();
  const emitMember = id => {
    if (byId.has(id) && !placed.has(id)) {
      placed.add(id);
      allEvents(byId.get(id), out);
    }
  };
  for (const e of events) {
    const child = e.tool && e.tool.child_run_id;
    const isCompleted = (e.event || '').endsWith('Completed');
    if (child && isCompleted) {
      emitMember(child);
    }
    out.push({ event: e, who: nameOf(run) });
    if (child && !isCompleted) {
      emitMember(child);
    }
  }
  for (const id of byId.keys()) {
    emitMember(id);
  }
  return out;
}

function json(value) {
  if (value === undefined || value === null) {
    return '';
  }
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

const TERMINAL_EVENTS = /(Completed|Cancelled|Error)$/;

/** What a person wants to know of one event, as short lines and an optional block. */
function describe(e) {
  const name = e.event || 'Event';
  const parts = [];
  let block = null;
  if (name.includes('ToolCall')) {
    const tool = e.tool || {};
    parts.push(tool.tool_name || '');
    if (tool.tool_name === 'delegate_task_to_member' || tool.tool_name === 'delegate_task_to_members') {
      parts.push('delegation');
    }
    block = 'arguments: ' + json(tool.tool_args) + (tool.result !== undefined && tool.result !== null
        ? '\nresult: ' + json(tool.result) : '');
  } else if (name.includes('ModelRequest')) {
    if (e.model) {
      parts.push(e.model);
    }
    for (const k of ['input_tokens', 'output_tokens', 'total_tokens']) {
      if (typeof e[k] === 'number') {
        parts.push(k.replace('_', ' ') + ' ' + e[k]);
      }
    }
    if (typeof e.time_to_first_token === 'number') {
      parts.push('first token after ' + formatDuration(Math.round(e.time_to_first_token * 1000)));
    }
  } else if (name.endsWith('Cancelled')) {
    parts.push('reason: ' + (e.reason || 'none given'));
  } else if (name.endsWith('Error')) {
    block = json(e.error || e.content);
  }
  return { name, line: parts.filter(p => p).join(' · '), block };
}

function timeline(run) {
  return allEvents(run, []).map(({ event, who }) => {
    const d = describe(event);
    const li = el('li', TERMINAL_EVENTS.test(d.name) && !d.name.includes('Tool') && !d.name.includes('Model')
        && !d.name.includes('Memory') && !d.name.includes('ContentCompleted') ? 'event-TERMINAL' : '');
    li.dataset.event = d.name;
    li.appendChild(el('span', 'event-name', d.name));
    li.appendChild(document.createTextNode(' '));
    li.appendChild(el('span', 'who', who + ', ' + formatTime(millis(event.created_at))));
    if (d.line) {
      li.appendChild(document.createTextNode(' — ' + d.line));
    }
    if (d.block) {
      li.appendChild(el('pre', 'mono', d.block));
    }
    return li;
  });
}

function summaryRow(dl, term, value) {
  dl.appendChild(el('dt', null, term));
  const dd = el('dd', null, value);
  dl.appendChild(dd);
  return dd;
}

/** Shows {@code run} in the detail section's elements ({@code ui} holds them by role). */
export function renderDetail(ui, run) {
  ui.title.textContent = nameOf(run) + ' — run ' + run.run_id;
  const dl = ui.summary;
  dl.replaceChildren();
  summaryRow(dl, 'Status', '').appendChild(statusBadge(run.status));
  dl.lastChild.dataset.status = run.status;
  summaryRow(dl, 'Run', run.run_id).className = 'mono';
  summaryRow(dl, 'Session', run.session_id).className = 'mono';
  summaryRow(dl, 'User', run.user_id || '—');
  summaryRow(dl, 'Started', formatTime(millis(run.created_at)));
  summaryRow(dl, 'Duration', durationMs(run) !== null ? formatDuration(durationMs(run)) : 'running');
  summaryRow(dl, 'Tokens', String((run.metrics && run.metrics.total_tokens) || 0));
  if (run.instance_id) {
    summaryRow(dl, 'Instance', run.instance_id).className = 'mono';
  }
  if (TERMINAL.has(run.status) && document.activeElement === ui.cancel) {
    ui.title.focus(); // the button goes away under the keyboard's focus: keep the focus in the detail
  }
  ui.cancel.hidden = TERMINAL.has(run.status);
  const error = run.status === 'ERROR' ? (run.error && (run.error.message || json(run.error))) || run.content : null;
  ui.error.hidden = !error;
  ui.error.textContent = error ? 'Error: ' + error : '';
  ui.tree.replaceChildren(treeNode(run));
  ui.timeline.replaceChildren(...timeline(run));
  ui.content.textContent = typeof run.content === 'string' ? run.content : json(run.content);
}

/** How much of a member's streaming text its tree node shows: its newest characters. */
const MEMBER_TAIL = 240;

function showMemberText(ui, run) {
  for (const m of members(run)) {
    if (!TERMINAL.has(m.status) && typeof m.content === 'string' && m.content) {
      const node = ui.tree.querySelector('li[data-run-id="' + CSS.escape(m.run_id) + '"] > .node');
      if (node) {
        const text = el('span', 'streaming');
        text.textContent = m.content.length > MEMBER_TAIL ? '…' + m.content.slice(-MEMBER_TAIL) : m.content;
        node.appendChild(text);
      }
    }
    showMemberText(ui, m);
  }
}

/**
 * Shows a run and, while it has not ended, how far it is. {@code run} is its tree with the live state merged in
 * where this server executes it, else as stored; {@code executingHere} is true, false, or null before the live
 * state is first read. Under each member still running, its newest text. Only a streamed run's model sends its
 * answer piece by piece; a background or blocking run's model answers whole turns. A run this server does not
 * execute (another process of a durable fleet) has no live state: the note says its content appears turn by turn.
 */
export function renderProgress(ui, run, executingHere) {
  // The live state is read a few times a second: what has not changed is not rebuilt (nor re-read to a screen
  // reader, nor is a selection in it lost).
  const shown = JSON.stringify(run) + '|' + executingHere;
  if (ui.shown === shown) {
    return;
  }
  ui.shown = shown;
  renderDetail(ui, run);
  const terminal = TERMINAL.has(run.status);
  ui.contentNote.hidden = terminal;
  if (terminal) {
    return;
  }
  ui.contentNote.textContent = executingHere === null ? 'In progress.' : executingHere
      ? 'In progress: a streamed run\'s answer appears here as the model writes it; a background or blocking run\'s '
        + 'as each model turn ends (its model answers whole turns).'
      : 'In progress on another process: its content appears here as each turn is stored.';
  showMemberText(ui, run);
}
