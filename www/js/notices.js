// The page's messages under the status bar: each dismissible, the same text shown once, a
// message with a key replacing the last one with that key (the link's problems, the GPU's
// state), and only the newest few kept, so that no input can flood the page.

/** Messages shown at once; older ones go first. */
const MAX_NOTICES = 8;

/** A list of messages in a `<ul>`. */
export class Notices {
  /** @param {HTMLUListElement} list */
  constructor(list) {
    this.list = list;
    /** Shown messages by key (their text when they have no key of their own). */
    this.shown = new Map();
  }

  /**
   * Shows a message.
   * @param {string} text
   * @param {"info" | "warn" | "error"} [kind]
   * @param {{key?: string, action?: {label: string, run: () => void}}} [options] `key`: the
   *   message replaces the one shown with that key; `action`: a button beside it
   */
  show(text, kind = 'info', { key = null, action = null } = {}) {
    const id = key ?? `text:${text}`;
    const old = this.shown.get(id);
    if (old && !key) return;
    const li = document.createElement('li');
    li.className = `notice ${kind}`;
    li.dataset.key = id;
    if (kind === 'error') li.setAttribute('role', 'alert');
    const span = document.createElement('span');
    span.textContent = text;
    li.append(span);
    if (action) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', () => {
        this.remove(id);
        action.run();
      });
      li.append(button);
    }
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'quiet';
    dismiss.textContent = 'Dismiss';
    dismiss.setAttribute('aria-label', `Dismiss: ${text.slice(0, 200)}`);
    dismiss.addEventListener('click', () => this.remove(id));
    li.append(dismiss);
    if (old) old.replaceWith(li);
    else this.list.append(li);
    this.shown.set(id, li);
    while (this.shown.size > MAX_NOTICES) this.remove(this.shown.keys().next().value);
  }

  /**
   * Whether a message with this key is shown.
   * @param {string} key
   * @returns {boolean}
   */
  has(key) {
    return this.shown.has(key);
  }

  /**
   * Removes the message with this key, if shown.
   * @param {string} key
   */
  remove(key) {
    this.shown.get(key)?.remove();
    this.shown.delete(key);
  }
}
