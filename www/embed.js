// The embed: `<script type="module" src="https://HOST/embed.js"></script>` once in a page,
// then `<identity-crisis figure="15"></identity-crisis>` (any figure of the paper, 1 to 33) or
// `<identity-crisis view="gallery" arch="conv"></identity-crisis>` wherever a live figure of the
// paper goes. The element holds a frame of embed.html (the view, its worker and
// its data all live there, on this site's origin, so the host page needs no header of ours and
// nothing of the host page can break the figure or be broken by it). The frame is made only
// when the element comes near the window, and takes the height its page reports.
//
// Attributes: the keys of js/embed-options.js (`figure`, `view`, `arch`, ...), passed to the
// frame, which checks them and says what is wrong inside the figure.

import { reservedHeight } from './js/embed-heights.js';

/** The framed page. */
const FRAME = new URL('embed.html', import.meta.url);

/** How near the window an embed starts loading. */
const NEAR = '600px';

/**
 * The height before the frame reports its own: what it shows, measured (embed-heights.js),
 * else three quarters of the width, within bounds.
 * @param {{figure: number | null, view: string, arch: string}} shown
 * @param {number} width
 */
function placeholderHeight(shown, width) {
  return reservedHeight(shown, width) ?? Math.round(Math.min(900, Math.max(360, 0.75 * (width || 800))));
}

/** Attributes that style the element on the host page and are not settings of the figure. */
const HOST_ATTRIBUTES = /^(class|style|id|title|hidden|data-.*|aria-.*)$/;

/** The tallest height a frame may ask for (a runaway report cannot swallow the host page). */
const MAX_HEIGHT = 20000;

/** Makes `element` a block as wide as the embed, with no border. */
function fill(element) {
  Object.assign(element.style, { display: 'block', width: '100%', border: '0' });
}

class IdentityCrisisFigure extends HTMLElement {
  /** What the element asks for: a figure by number (`figure`), else a view by name. */
  get shown() {
    const figure = this.getAttribute('figure');
    return {
      figure: figure === null ? null : Number(figure.trim()),
      view: this.getAttribute('view') ?? 'gallery',
      arch: this.getAttribute('arch') ?? 'conv',
    };
  }

  /** What the element shows, in words. */
  get shows() {
    const figure = this.getAttribute('figure');
    return figure === null ? this.shown.view : `Fig. ${figure}`;
  }

  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: 'open' });
    // Styles through the CSSOM only: a host page's Content-Security-Policy may forbid inline
    // <style> elements, never this.
    this.style.display = 'block';
    const placeholder = document.createElement('div');
    fill(placeholder);
    Object.assign(placeholder.style, { background: '#f4f5f7', borderRadius: '8px' });
    const reserved = placeholderHeight(this.shown, this.getBoundingClientRect().width);
    placeholder.style.height = `${reserved}px`;
    root.append(placeholder);
    const observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      observer.disconnect();
      this.load(placeholder, reserved);
    }, { rootMargin: NEAR });
    observer.observe(this);
  }

  /**
   * Puts the frame in the placeholder's place, at its height until the frame reports one.
   * @param {HTMLElement} placeholder
   * @param {number} reserved the placeholder's height (CSS px)
   */
  load(placeholder, reserved) {
    const settings = new URLSearchParams([...this.attributes]
      .filter((a) => !HOST_ATTRIBUTES.test(a.name))
      .map((a) => [a.name, a.value]));
    const frame = document.createElement('iframe');
    frame.src = `${FRAME.href}#${settings}`;
    frame.title = `Identity Crisis: a live figure of the paper (${this.shows})`;
    fill(frame);
    frame.style.height = `${reserved}px`;
    // The frame shows once its page has laid itself out for the frame (its first report, or
    // its load where none comes): the lab's page shows its own header before it knows that it
    // is framed.
    frame.style.visibility = 'hidden';
    const reveal = () => {
      frame.style.visibility = '';
    };
    frame.addEventListener('load', reveal, { once: true });
    // Until the framed page has drawn what it shows first, the frame only grows: a figure
    // filling in does not move the host page's text up and then down again.
    let shown = reserved;
    let settled = false;
    window.addEventListener('message', (event) => {
      if (event.source !== frame.contentWindow) return;
      const { type, height, settled: drawn } = event.data ?? {};
      if (type === 'embed-size' && Number.isFinite(height) && height > 0) {
        reveal();
        settled ||= drawn === true;
        const wanted = Math.min(MAX_HEIGHT, Math.ceil(height));
        shown = settled ? wanted : Math.max(wanted, shown);
        frame.style.height = `${shown}px`;
      }
    });
    placeholder.replaceWith(frame);
  }
}

if (!customElements.get('identity-crisis')) customElements.define('identity-crisis', IdentityCrisisFigure);
