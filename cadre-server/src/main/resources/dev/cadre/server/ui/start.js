// Starting a run from the page: a background run, or a streamed one whose answer appears here as the model writes
// it; either way the new run opens in the detail.
import { Unauthorized, listComponents, startRun, streamRun } from './api.js';

const $ = id => document.getElementById(id);

let loaded = false;

const TERMINAL_EVENT = /^(Team)?Run(Completed|Cancelled|Error)$/;
const CONTENT_EVENT = /^(Team)?RunContent$/;

/**
 * Fills the component choice once it could be read. A caller who may list no agent or team (403s, or none) does not
 * get the form; a 401 is passed on, for the page to ask for a token; any other failure is said under the form and
 * the listing is asked again at the next poll.
 */
export async function loadComponents() {
  if (loaded) {
    return;
  }
  let components;
  try {
    components = await listComponents();
  } catch (e) {
    if (e instanceof Unauthorized) {
      throw e;
    }
    const note = 'The agents and teams could not be listed (' + e.message + '); trying again.';
    if ($('start-result').textContent !== note) {
      $('start-result').textContent = note; // said once, not at every poll
    }
    return;
  }
  loaded = true;
  if ($('start-result').textContent.startsWith('The agents and teams could not be listed')) {
    $('start-result').textContent = '';
  }
  $('start').hidden = components.length === 0;
  $('start-component').replaceChildren(...components.map(c => {
    const o = document.createElement('option');
    o.value = c.kind + '/' + c.id;
    o.textContent = c.name + ' (' + (c.kind === 'teams' ? 'team' : 'agent') + ' ' + c.id + ')';
    return o;
  }));
}

/**
 * Reads a streamed run: the top-level run's own text is appended to the stream panel as it comes (members' text
 * stays in their runs, shown in the detail), and the run opens in the detail once its first event names it.
 */
async function stream(kind, id, message, onStarted) {
  const out = $('start-stream');
  out.textContent = '';
  out.hidden = false;
  let runId = null;
  let ended = null;
  await streamRun(kind, id, message, (name, data) => {
    if (runId === null && data.run_id) {
      runId = data.run_id;
      $('start-result').textContent = 'Streaming run ' + runId + '…';
      $('start-message').value = ''; // only once the run is there: a refused start keeps what was written
      onStarted(runId);
    }
    if (data.run_id !== runId) {
      return;
    }
    if (CONTENT_EVENT.test(name) && typeof data.content === 'string') {
      out.textContent += data.content;
    } else if (TERMINAL_EVENT.test(name)) {
      ended = name;
    }
  });
  $('start-result').textContent = runId === null ? 'The stream ended before the run started.'
      : 'Run ' + runId + ' ' + (ended ? 'ended: ' + ended : 'stream closed before its end; the run goes on');
}

/** Wires the form: {@code onStarted(runId)} opens the new run; {@code onFailure(e)} shows what went wrong. */
export function wireStart(onStarted, onFailure) {
  $('start-form').addEventListener('submit', async e => {
    e.preventDefault();
    const choice = $('start-component').value;
    const message = $('start-message').value.trim();
    if (!choice || !message) {
      $('start-result').textContent = 'Choose an agent or team and write a message.';
      return;
    }
    const slash = choice.indexOf('/');
    const kind = choice.slice(0, slash);
    const id = choice.slice(slash + 1);
    $('start-submit').disabled = true;
    try {
      if ($('start-mode').value === 'stream') {
        await stream(kind, id, message, onStarted);
      } else {
        $('start-stream').hidden = true;
        const started = await startRun(kind, id, message);
        $('start-result').textContent = 'Started run ' + started.run_id + ' (' + started.status + ')';
        $('start-message').value = '';
        onStarted(started.run_id);
      }
    } catch (err) {
      onFailure(err);
    } finally {
      $('start-submit').disabled = false;
    }
  });
}
