// Progressive enhancement for the thread. Without this file every link and form still works:
// "Reply" and "Quote" lead to the reply page, and "Preview" posts the form back.
(function () {
  "use strict";

  // Open the reply box in place: fetch the reply page (the same form, token and quote the
  // no-JavaScript page would show) and put its form under the reply being answered.
  function openReplyBox(link) {
    var card = link.closest(".reply-card");
    var existing = card.parentNode.querySelector(":scope > .inline-reply");
    if (existing && existing.dataset.href === link.href) {
      existing.querySelector("textarea").focus();
      return;
    }
    if (existing) existing.remove();
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var form = page.querySelector("form.reply-form");
        if (!form) { window.location.href = link.href; return; }
        var box = document.createElement("div");
        box.className = "inline-reply";
        box.dataset.href = link.href;
        box.appendChild(document.importNode(form, true));
        var cancel = box.querySelector(".cancel");
        if (cancel) cancel.addEventListener("click", function (event) { event.preventDefault(); box.remove(); link.focus(); });
        card.insertAdjacentElement("afterend", box);
        var textarea = box.querySelector("textarea");
        textarea.focus();
        textarea.setSelectionRange(textarea.value.length, textarea.value.length);
      })
      .catch(function () { window.location.href = link.href; });
  }

  // Preview in place, through the same renderer the reply gets when posted.
  function preview(button) {
    var form = button.form;
    var target = form.querySelector(".js-preview");
    var data = new FormData();
    data.append("body", form.querySelector("textarea").value);
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    fetch(document.body.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (text) { return { ok: response.ok, text: text }; });
      })
      .then(function (result) {
        target.hidden = false;
        target.textContent = "";
        var label = document.createElement("p");
        label.className = "preview-label";
        label.textContent = result.ok ? "Preview" : "Cannot preview";
        var body = document.createElement("div");
        body.className = "reply-body";
        // The server sanitised this HTML (forum/rendering.py); an error is plain text.
        if (result.ok) body.innerHTML = result.text; else body.textContent = result.text;
        target.appendChild(label);
        target.appendChild(body);
      });
  }

  // j and k move to the next and previous reply, for reading a long thread from the keyboard.
  // Replies inside a folded branch are skipped: they are not on the screen. (Asked of <details>
  // itself: Chrome hides a folded branch with content-visibility, which leaves offsetParent set.)
  function replyCards() {
    return Array.prototype.filter.call(document.querySelectorAll("li.reply > .reply-card"), function (card) {
      return !card.closest("details:not([open])");
    });
  }

  function moveBetweenReplies(step) {
    var cards = replyCards();
    if (!cards.length) return;
    // From wherever focus is inside a reply (its card, a link in it, its fold toggle).
    var active = document.activeElement;
    var reply = active && active.closest ? active.closest("li.reply") : null;
    var index = reply ? cards.indexOf(reply.querySelector(":scope > .reply-card")) : -1;
    var next = index === -1 ? (step > 0 ? 0 : cards.length - 1) : index + step;
    if (next < 0 || next >= cards.length) return;
    cards[next].focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "j" && event.key !== "k") return;
    // With a modifier the key belongs to the browser or a screen reader; in a field it is text.
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    var target = event.target;
    if (target.isContentEditable || (target.closest && target.closest("input, textarea, select"))) return;
    event.preventDefault();
    moveBetweenReplies(event.key === "j" ? 1 : -1);
  });

  // The hint names keys that only work with this script, so it stays hidden without it.
  Array.prototype.forEach.call(document.querySelectorAll(".js-shortcuts-hint"), function (hint) {
    hint.hidden = false;
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.js-reply");
    if (link && !event.ctrlKey && !event.metaKey && !event.shiftKey) {
      event.preventDefault();
      openReplyBox(link);
      return;
    }
    var button = event.target.closest("button[name=preview]");
    if (button && document.body.dataset.previewUrl && button.form.querySelector(".js-preview")) {
      event.preventDefault();
      preview(button);
    }
  });
})();

// --- Recommend (issue 10, "Weigh") --------------------------------------------------------------
// Without this block a Recommend button submits the page's one recommend form (it names the form
// and its reply's address) and the server lands the reader back on the reply. With it, the same
// POST goes by fetch and the button and the count change in place; the words come from the
// server's answer (forum/reactions/presenters.py). Any failure submits the form as without it,
// so the reader gets the server's page, with its message.
(function () {
  "use strict";

  function submitPlainly(button) {
    var form = document.getElementById(button.getAttribute("form"));
    if (!form) return;
    form.action = button.getAttribute("formaction");
    var field = document.createElement("input");
    field.type = "hidden";
    field.name = button.name;
    field.value = button.value;
    form.appendChild(field);
    form.submit();
  }

  function show(button, state) {
    button.setAttribute("aria-pressed", state.pressed);
    button.value = state.value;
    button.textContent = state.label;
    var count = button.parentNode.querySelector(".recommend-count");
    if (!count) {
      count = document.createElement("span");
      count.className = "recommend-count";
      button.insertAdjacentElement("afterend", count);
      button.insertAdjacentText("afterend", " ");
    }
    count.textContent = state.count_label;
  }

  function toggle(button) {
    var form = document.getElementById(button.getAttribute("form"));
    if (!form) return;
    var data = new FormData(form);
    data.append(button.name, button.value);
    button.disabled = true;
    fetch(button.getAttribute("formaction"), {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
    })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (state) { button.disabled = false; show(button, state); })
      .catch(function () { button.disabled = false; submitPlainly(button); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.js-recommend");
    if (!button || !button.getAttribute("form")) return;
    event.preventDefault();
    toggle(button);
  });
})();
