/* The smallest host for the course's anywidget explorers in a built page or deck (make html,
   make slides): no kernel, no widget manager, no AMD loader.

   The page carries, in a JSON script element with the id "l2l-widgets", what the notebook
   saved of its explorers: each distinct ES module once ("modules"), each distinct stylesheet
   once ("styles"), and per model its module, stylesheet and trait values ("models"). Each
   element with a data-l2l-model attribute (where an explorer's output was) is rendered by
   that module's render({model, el}), with a model that offers what anywidget offers an
   explorer that computes in the page: get, set (firing "change:NAME" at once), on, off,
   save_changes and send (both no-ops: there is no kernel to sync with).

   The module is loaded with import() from a Blob URL, which works from file:// as well. */
(function () {
  "use strict";
  var holder = document.getElementById("l2l-widgets");
  if (!holder) { return; }
  var data = JSON.parse(holder.textContent);
  var loaded = [];
  var styled = [];

  function load(index) {
    if (!loaded[index]) {
      var url = URL.createObjectURL(new Blob([data.modules[index]], { type: "text/javascript" }));
      loaded[index] = import(url).then(function (module) {
        URL.revokeObjectURL(url);
        return module.default || module;
      });
    }
    return loaded[index];
  }

  function addStyle(index) {
    if (index === null || index === undefined || styled[index]) { return; }
    styled[index] = true;
    var style = document.createElement("style");
    style.textContent = data.styles[index];
    document.head.appendChild(style);
  }

  function makeModel(traits) {
    var handlers = {};
    var model = {
      get: function (name) { return traits[name]; },
      set: function (name, value) {
        var changed = traits[name] !== value;
        traits[name] = value;
        if (changed) {
          (handlers["change:" + name] || []).slice().forEach(function (h) { h(model, value); });
          (handlers.change || []).slice().forEach(function (h) { h(model); });
        }
      },
      on: function (event, handler) {
        event.split(" ").forEach(function (e) { (handlers[e] = handlers[e] || []).push(handler); });
      },
      off: function (event, handler) {
        if (!event) { handlers = {}; return; }
        event.split(" ").forEach(function (e) {
          handlers[e] = handler ? (handlers[e] || []).filter(function (h) { return h !== handler; }) : [];
        });
      },
      save_changes: function () {},
      send: function () {},
    };
    return model;
  }

  function showError(el, error) {
    var p = document.createElement("p");
    p.setAttribute("role", "alert");
    p.textContent = "This explorer could not start: " + (error && error.message ? error.message : error);
    el.appendChild(p);
  }

  function start() {
    document.querySelectorAll("[data-l2l-model]").forEach(function (el) {
      var saved = data.models[el.getAttribute("data-l2l-model")];
      if (!saved) { return; }
      addStyle(saved.style);
      var model = makeModel(JSON.parse(JSON.stringify(saved.state)));
      load(saved.module).then(function (widget) {
        return Promise.resolve(widget.initialize && widget.initialize({ model: model })).then(function () {
          return widget.render({ model: model, el: el });
        });
      }).catch(function (error) { showError(el, error); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
