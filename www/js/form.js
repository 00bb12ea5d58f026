// The training form: the paper's presets and the custom fields, read and written through the
// validated table of state.js. Dispatches "change" with the new state after a valid edit.

import { PROPS, parseValue } from './state.js';

const PROP = new Map(PROPS.map((p) => [p.name, p]));
/** Form fields by state key. */
const FIELDS = ['arch', 'depth', 'channels', 'kernel', 'hidden', 'width', 'bottom', 'opt', 'lr', 'steps', 'seed', 'backend'];
/** Keys a preset resets to the architecture's defaults. */
const TRAINING_KEYS = { opt: null, lr: null, steps: null };
const CONV_DEPTHS = [1, 3, 5, 7, 10, 14, 20];

/** The paper's networks (Fig. 2, 3, 4, 6); ConvNet presets keep the chosen channels. */
export const PRESETS = [
  { group: 'Linear FCN (Fig. 2)', label: '1 layer: f(x) = Wx', state: { arch: 'linear', hidden: 0, width: 784 } },
  { group: 'Linear FCN (Fig. 2)', label: '3 layers (2 hidden of 784)', state: { arch: 'linear', hidden: 2, width: 784 } },
  { group: 'Linear FCN (Fig. 2)', label: '5 layers (4 hidden of 784)', state: { arch: 'linear', hidden: 4, width: 784 } },
  { group: 'ReLU FCN (Fig. 4)', label: '1 hidden layer of 784', state: { arch: 'relu', hidden: 1, width: 784, bottom: false } },
  { group: 'ReLU FCN (Fig. 4)', label: '3 hidden layers of 784', state: { arch: 'relu', hidden: 3, width: 784, bottom: false } },
  { group: 'ReLU FCN (Fig. 4)', label: '9 hidden layers of 784', state: { arch: 'relu', hidden: 9, width: 784, bottom: false } },
  { group: '2-layer ReLU, bottom layer trained (Fig. 3)', label: '2,048 hidden units', state: { arch: 'relu', hidden: 1, width: 2048, bottom: true } },
  { group: '2-layer ReLU, bottom layer trained (Fig. 3)', label: '16,384 hidden units (large)', state: { arch: 'relu', hidden: 1, width: 16384, bottom: true } },
  ...CONV_DEPTHS.map((depth) => ({
    group: 'ConvNet, 5\u00d75 kernels (Fig. 6)',
    label: `depth ${depth}${depth <= 5 ? '' : depth >= 14 ? ' (deep)' : ''}`,
    state: { arch: 'conv', depth, kernel: 5 },
  })),
];

/** Binds the form's fields to a state; "change" events carry the fields' values. */
export class TrainingForm extends EventTarget {
  /**
   * @param {HTMLFormElement} form holds #f-preset, #f-<key> for each field and #field-errors
   * @param {object} state the initial state
   */
  constructor(form, state) {
    super();
    this.form = form;
    this.state = { ...state };
    this.invalid = new Map();
    /** @type {(key: string) => HTMLInputElement | HTMLSelectElement} the field of a key, an <input> or a <select> */
    this.field = (key) => form.querySelector(`#f-${key}`);
    this.buildPresets();
    for (const key of FIELDS) {
      const el = this.field(key);
      const prop = PROP.get(key);
      if (prop.type === 'int' && el.type === 'number') {
        /** @type {HTMLInputElement} */ (el).min = String(prop.min);
        /** @type {HTMLInputElement} */ (el).max = String(prop.max);
      }
      el.addEventListener(el.tagName === 'SELECT' || el.type === 'checkbox' ? 'change' : 'input', () => this.read(key));
    }
    this.field('preset').addEventListener('change', () => this.applyPreset());
    form.addEventListener('submit', (e) => e.preventDefault());
    this.set(state);
  }

  /** Whether every field holds a valid value. */
  get valid() {
    return this.invalid.size === 0;
  }

  buildPresets() {
    const select = this.field('preset');
    const custom = new Option('Custom (the fields below)', '');
    const groups = new Map();
    PRESETS.forEach((preset, i) => {
      if (!groups.has(preset.group)) {
        const g = document.createElement('optgroup');
        g.label = preset.group;
        groups.set(preset.group, g);
      }
      groups.get(preset.group).append(new Option(preset.label, String(i)));
    });
    select.replaceChildren(custom, ...groups.values());
  }

  /**
   * Shows a state in the fields (e.g. from the link), clearing field errors.
   * @param {object} state
   */
  set(state) {
    this.state = { ...state };
    this.invalid.clear();
    for (const key of FIELDS) {
      const el = this.field(key);
      const value = state[key];
      if (el.type === 'checkbox') /** @type {HTMLInputElement} */ (el).checked = Boolean(value);
      else el.value = value === null || value === undefined ? '' : String(value);
      el.removeAttribute('aria-invalid');
    }
    this.refresh();
  }

  /**
   * Shows the architecture's training defaults as placeholders (from identity-wasm's describe).
   * @param {{optimizer: {name: string}, learning_rate: number, steps: number} | null} train
   */
  showDefaults(train) {
    const opt = /** @type {HTMLSelectElement} */ (this.field('opt')).options[0];
    opt.textContent = train ? `default (${train.optimizer.name === 'sgd' ? 'SGD' : 'Adam'})` : 'default';
    /** @type {HTMLInputElement} */ (this.field('lr')).placeholder = train ? `default ${train.learning_rate}` : 'default';
    /** @type {HTMLInputElement} */ (this.field('steps')).placeholder = train ? `default ${train.steps}` : 'default';
  }

  /** Reads one field; a valid value updates the state and announces the change. */
  read(key) {
    const el = this.field(key);
    const prop = PROP.get(key);
    /** @type {import('./state.js').Parsed} */
    const parsed = el.type === 'checkbox' ? { ok: true, value: /** @type {HTMLInputElement} */ (el).checked } : parseValue(prop, el.value);
    if (parsed.ok) {
      this.invalid.delete(key);
      el.removeAttribute('aria-invalid');
      this.state[key] = parsed.value;
    } else {
      this.invalid.set(key, /** @type {import('./state.js').Refusal} */ (parsed).message);
      el.setAttribute('aria-invalid', 'true');
    }
    this.refresh();
    if (parsed.ok) this.announce();
  }

  applyPreset() {
    const index = this.field('preset').value;
    if (index === '') return;
    this.set({ ...this.state, ...TRAINING_KEYS, ...PRESETS[Number(index)].state });
    this.announce();
  }

  announce() {
    const fields = Object.fromEntries(FIELDS.map((key) => [key, this.state[key]]));
    this.dispatchEvent(new CustomEvent('change', { detail: { fields } }));
  }

  /** Shows the fields of the chosen architecture, the matching preset and field errors. */
  refresh() {
    const { arch } = this.state;
    /** @type {NodeListOf<HTMLElement>} */ (this.form.querySelectorAll('[data-for]')).forEach((el) => {
      const fits = el.dataset.for === arch || (el.dataset.for === 'fcn' && arch !== 'conv');
      el.hidden = !fits;
    });
    const match = PRESETS.findIndex((p) => Object.entries(p.state).every(([k, v]) => this.state[k] === v));
    this.field('preset').value = match < 0 ? '' : String(match);
    this.form.querySelector('#field-errors').textContent = [...this.invalid.values()].join('; ');
  }
}
