// Starting a run from the page: a background run of any agent or team, opened at once in the detail.
import { Unauthorized, listComponents, startRun } from './api.js';

const $ = id => document.getElementById(id);

let loaded = false;

/**
 * Fills the component choice once. A caller who may list no agent or team (a 403, or none) does not get the form;
 * a 401 is passed on, for the page to ask for a token.
 */
export async function loadComponents() {
  if (loaded) {
    return;
  }
  const select = $('start-component');
  let components;
  try {
    components = await listComponents();
  } catch (e) {
    if (e instanceof Unauthorized) {
      throw e;
    }
    components = [];
  }
  loaded = true;
  $('start').hidden = components.length === 0;
  select.replaceChildren(...components.map(c => {
    const o = document.createElement('option');
    o.value = c.kind + '/' + c.id;
    o.textContent = c.name + ' (' + (c.kind === 'teams' ? 'team' : 'agent') + ' ' + c.id + ')';
    return o;
  }));
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
    $('start-submit').disabled = true;
    try {
      const started = await startRun(choice.slice(0, slash), choice.slice(slash + 1), message);
      $('start-result').textContent = 'Started run ' + started.run_id + ' (' + started.status + ')';
      $('start-message').value = '';
      onStarted(started.run_id);
    } catch (err) {
      onFailure(err);
    } finally {
      $('start-submit').disabled = false;
    }
  });
}
