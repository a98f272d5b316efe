/* duban unit search: the import preview's 对应单位 fields (input[data-unit-search]) search the
   directory through the REST API (/api/units?q=…, the signed-in session) and let the user pick a
   unit, or 新建单位. Picking writes the unit's id into the row's hidden unit-<i> field and its name
   into the text field; typing clears the id, and the server then resolves the typed name or
   alias itself. So the form works the same without this script, and the page never has to list
   the whole directory (3,000+ units at province scale). No network access beyond the server.  */
(function () {
  "use strict";
  var form = document.querySelector("form[data-unit-search-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-unit-search-url");
  var LIMIT = 20;
  var NEW = "new";
  var DELAY = 150;  // ms after the last keystroke: one request per pause, not per character

  var list = document.createElement("ul");
  list.id = "unit-search-results";
  list.className = "unit-search-results";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "单位搜索结果");
  list.hidden = true;
  document.body.appendChild(list);

  var owner = null;  // the input the list belongs to
  var active = -1;   // index of the highlighted option
  var timer = 0;
  var sequence = 0;  // answers to superseded searches are dropped

  function hiddenOf(input) {
    return form.elements.namedItem(input.name.replace(/^match-/, "unit-"));
  }

  function options() {
    return Array.prototype.slice.call(list.querySelectorAll('[role="option"]'));
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    if (owner) {
      owner.setAttribute("aria-expanded", "false");
      owner.removeAttribute("aria-activedescendant");
    }
    owner = null;
  }

  function place(input) {
    // In page coordinates, under the field: it scrolls with the page like the field does.
    var box = input.getBoundingClientRect();
    list.style.left = (box.left + window.scrollX) + "px";
    list.style.top = (box.bottom + window.scrollY) + "px";
    list.style.minWidth = box.width + "px";
  }

  function option(label, id, name, note) {
    var li = document.createElement("li");
    li.setAttribute("role", "option");
    li.id = "unit-search-option-" + list.children.length;
    li.setAttribute("data-id", id);
    li.setAttribute("data-name", name);
    li.textContent = label;
    if (note) {
      var small = document.createElement("span");
      small.className = "muted";
      small.textContent = note;
      li.appendChild(small);
    }
    list.appendChild(li);
  }

  function note(text) {
    var li = document.createElement("li");
    li.className = "muted";
    li.textContent = text;
    list.appendChild(li);
  }

  function rank(q, unit) {
    // The API lists by name; the closest names come first here.
    if (unit.name === q || unit.aliases.indexOf(q) >= 0) { return 0; }
    if (unit.name.indexOf(q) === 0) { return 1; }
    return 2;
  }

  function claim(input) {
    // The one list moves from field to field; the field it leaves is told it is closed.
    if (owner && owner !== input) {
      owner.setAttribute("aria-expanded", "false");
      owner.removeAttribute("aria-activedescendant");
    }
    list.textContent = "";
    active = -1;
    owner = input;
  }

  function show(input, q, units, count) {
    claim(input);
    units = units.filter(function (u) { return u.active; });
    units.sort(function (a, b) { return rank(q, a) - rank(q, b); });
    units.forEach(function (u) {
      var aliases = u.aliases.filter(function (a) { return a.indexOf(q) >= 0; });
      option(u.name, String(u.id), u.name, aliases.length ? "（别名：" + aliases.join("、") + "）" : "");
    });
    if (!units.length) { note("目录中没有含“" + q + "”的单位"); }
    if (count > LIMIT) { note("另有 " + (count - LIMIT) + " 个，请输入更多文字"); }
    option("新建单位", NEW, "", "（按“新建单位名称”新建）");
    place(input);
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function search(input) {
    var q = input.value.replace(/\s+/g, "");
    var mine = ++sequence;
    if (!q) { close(); return; }
    var request = new XMLHttpRequest();
    request.open("GET", url + "?limit=" + LIMIT + "&q=" + encodeURIComponent(q));
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (mine !== sequence || document.activeElement !== input) { return; }
      if (request.status !== 200) { failed(input); return; }
      var data = JSON.parse(request.responseText);
      show(input, q, data.items, data.count);
    };
    request.onerror = function () { if (mine === sequence) { failed(input); } };
    request.send();
  }

  function failed(input) {
    claim(input);
    note("无法查询单位目录：请直接填写单位全称或别名");
    place(input);
    list.hidden = false;
  }

  function pick(li) {
    var input = owner;
    if (!input) { return; }
    var id = li.getAttribute("data-id");
    input.value = li.getAttribute("data-name");
    hiddenOf(input).value = id;
    close();
    input.focus();
  }

  function highlight(index) {
    var all = options();
    if (!all.length) { return; }
    active = (index + all.length) % all.length;
    all.forEach(function (li, i) { li.setAttribute("aria-selected", i === active ? "true" : "false"); });
    owner.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  form.querySelectorAll("input[data-unit-search]").forEach(function (input) {
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.addEventListener("input", function () {
      // What is typed is resolved by the server until a unit is picked again.
      hiddenOf(input).value = input.value.trim() ? "" : NEW;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { search(input); }, DELAY);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden || owner !== input) { search(input); return; }
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && !list.hidden && owner === input) {
        // While the list is open Enter picks (the highlighted unit, or the first one if its
        // name is exactly what was typed); it never submits the whole import from here.
        event.preventDefault();
        var first = options()[0];
        if (active >= 0) {
          pick(options()[active]);
        } else if (first && first.getAttribute("data-name") === input.value.replace(/\s+/g, "")) {
          pick(first);
        }
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () {
      window.setTimeout(function () { if (owner === input && document.activeElement !== input) { close(); } }, 0);
    });
  });

  // mousedown would move the focus off the field (and close the list) before the click lands.
  list.addEventListener("mousedown", function (event) { event.preventDefault(); });
  list.addEventListener("click", function (event) {
    var li = event.target.closest('[role="option"]');
    if (li) { pick(li); }
  });
  // Follow the field (a phone's keyboard opening resizes the window; closing would lose the list).
  window.addEventListener("resize", function () { if (owner && !list.hidden) { place(owner); } });
})();
