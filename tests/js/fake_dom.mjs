// The smallest DOM and widget model the kit needs, for node --test: elements that keep children,
// attributes and text; a model with get/set/save_changes/on/off like anywidget's.
export function installFakeDom() {
  globalThis.document = {
    createElement: (tag) => ({
      tag,
      attrs: {},
      children: [],
      hidden: true,
      _t: "",
      className: "",
      setAttribute(k, v) {
        this.attrs[k] = String(v);
      },
      removeAttribute(k) {
        delete this.attrs[k];
      },
      append(...c) {
        this.children.push(...c);
      },
      set textContent(v) {
        this._t = v;
        this.children = [];
      },
      get textContent() {
        return this._t + this.children.map((c) => (typeof c === "string" ? c : (c.textContent ?? ""))).join("");
      },
    }),
  };
}

export function fakeModel(values = {}) {
  const handlers = {};
  return {
    v: { py_error: "", js_error: "", ...values },
    saved: 0,
    get(k) {
      return this.v[k];
    },
    set(k, x) {
      this.v[k] = x;
    },
    save_changes() {
      this.saved += 1;
    },
    on(ev, fn) {
      if (!handlers[ev]) handlers[ev] = [];
      handlers[ev].push(fn);
    },
    off(ev, fn) {
      handlers[ev] = (handlers[ev] || []).filter((f) => f !== fn);
    },
    /** What the kernel does: set a trait and fire change:<name>. */
    fromKernel(k, x) {
      this.v[k] = x;
      (handlers[`change:${k}`] || []).forEach((f) => f());
    },
    listeners(ev) {
      return (handlers[ev] || []).length;
    },
  };
}
