// Progressive enhancement for the thread. Without this file every link and form still works:
// "Reply" and "Quote" lead to the reply page, and "Preview" posts the form back.
// Its own words come from Django's JavaScript catalog (/jsi18n/, loaded before this file by
// base.html): gettext and ngettext in the reader's language, English if the catalog is missing.
var gettext = window.gettext || function (text) { return text; };
var ngettext = window.ngettext || function (one, many, n) { return n === 1 ? one : many; };
var interpolate = window.interpolate || function (format, values, named) {
  return format.replace(/%\(\w+\)s/g, function (match) { return values[match.slice(2, -2)]; });
};
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
        if (!form) { leaveFor(link.href); return; }
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
      .catch(function () { leaveFor(link.href); });
  }

  // The reply page (it says why the reader may not answer). In the news site's frame (forum.embed)
  // it opens in a new tab: the forum's pages refuse to be framed.
  function leaveFor(url) {
    if (document.body.classList.contains("embed-frame")) window.open(url, "_blank", "noopener");
    else window.location.href = url;
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
        label.textContent = result.ok ? gettext("Preview") : gettext("Cannot preview");
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
        if (!response.ok) {
          return response.json().catch(function () { return {}; }).then(function (body) { throw body; });
        }
        return response.json();
      })
      .then(function (state) { button.disabled = false; show(button, state); })
      .catch(function (refusal) {
        button.disabled = false;
        // In the news site's frame the page the form lands on could not be shown: say why here.
        if (document.body.classList.contains("embed-frame")) refuse(button, (refusal && refusal.error) || document.body.dataset.failed);
        else submitPlainly(button);
      });
  }

  function refuse(button, text) {
    var note = button.parentNode.querySelector(".js-recommend-error");
    if (!note) {
      note = document.createElement("span");
      note.className = "post-error js-recommend-error";
      note.setAttribute("role", "alert");
      button.parentNode.appendChild(note);
    }
    note.textContent = " " + (text || "");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.js-recommend");
    if (!button || !button.getAttribute("form")) return;
    event.preventDefault();
    toggle(button);
  });
})();

// --- Issue 10, Live: posting in place, and "N new replies — show" ------------------------------
// Both only on an article page (#discussion carries data-activity-url and data-replies). Without
// this block the forms post as ever and land on the article page at the new reply.
(function () {
  "use strict";

  var discussion = document.getElementById("discussion");
  if (!discussion || !discussion.dataset.activityUrl) return;
  // What the page shows: drawn with data-replies, plus the reader's own replies posted in place.
  var shown = parseInt(discussion.dataset.replies, 10) || 0;

  function announce(text) {
    var region = discussion.querySelector(".js-live-announce");
    if (region) region.textContent = text;
  }

  // Post a reply box with fetch; the server answers with the new reply drawn by the thread's own
  // macro (forum/posting/views.py), which goes under its parent, or at the end of the thread.
  function showError(form, text) {
    var box = form.querySelector(".js-post-error");
    if (!box) {
      box = document.createElement("p");
      box.className = "post-error js-post-error";
      box.setAttribute("role", "alert");
      form.insertBefore(box, form.firstChild);
    }
    box.textContent = text;
  }

  // The reply form's "post it anyway" box (templates/forum/includes/_reply_form.html), its words
  // from the server's answer. False when the answer names none: the page offers it then.
  var nudges = 0;
  function offerPostAnyway(form, label) {
    if (!label) return false;
    if (form.querySelector("[name=post_anyway]")) return true;
    nudges += 1;
    var line = document.createElement("p");
    line.className = "checkbox nudge";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.name = "post_anyway";
    box.id = "post-anyway-in-place-" + nudges;
    var text = document.createElement("label");
    text.htmlFor = box.id;
    text.textContent = label;
    line.appendChild(box);
    line.appendChild(document.createTextNode(" "));
    line.appendChild(text);
    form.querySelector(".form-actions").insertAdjacentElement("beforebegin", line);
    return true;
  }

  function place(result) {
    var holder = document.createElement("ol");
    holder.innerHTML = result.html;  // drawn and escaped by the server's Jinja2 macro
    var item = holder.firstElementChild;
    var list;
    if (result.parent) {
      var parent = document.getElementById("r" + result.parent);
      if (!parent) return null;
      list = parent.querySelector(":scope > details > ol.replies, :scope > ol.replies");
      if (!list) {
        list = document.createElement("ol");
        list.className = "replies";
        parent.appendChild(list);
      }
    } else {
      list = discussion.querySelector("ol.thread");
      if (!list) {
        var empty = discussion.querySelector(".no-replies");
        list = document.createElement("ol");
        list.className = "thread";
        if (empty) empty.replaceWith(list); else return null;
      }
    }
    // Newest first puts a new top-level reply at the top; every other order, at the end.
    var newestFirst = new URLSearchParams(window.location.search).get("sort") === "newest";
    if (!result.parent && newestFirst) list.insertBefore(item, list.firstChild); else list.appendChild(item);
    return item;
  }

  function postInPlace(form) {
    var data = new FormData(form);
    data.append("post", "1");
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" }
    })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("not json");
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      })
      .then(function (result) {
        if (!result.ok) {
          if (result.body.nudged) {  // offer "post it anyway" in place (in a frame, the page could not show)
            if (!offerPostAnyway(form, result.body.post_anyway)) { form.submit(); return; }
          }
          showError(form, result.body.error);
          return;
        }
        var item = place(result.body);
        if (!item) {  // its place is not on this page: go to it (the frame shows it on reload)
          if (document.body.classList.contains("embed-frame")) window.location.reload();
          else window.location.href = result.body.url;
          return;
        }
        shown += 1;  // the reader's own reply is no news to them
        var inline = form.closest(".inline-reply");
        if (inline) inline.remove();
        else {
          form.reset();
          var token = form.querySelector("[name=form_token]");
          if (token) token.value = result.body.form_token;
          var error = form.querySelector(".js-post-error");
          if (error) error.remove();
        }
        var card = item.querySelector(".reply-card");
        if (card) card.focus();
        announce(result.body.message);
      })
      .catch(function () {  // not JSON, or no network: post the form as ever
        // In the news site's frame, the pages a failed post lands on refuse to be framed: say so here.
        if (document.body.classList.contains("embed-frame")) showError(form, document.body.dataset.failed);
        else form.submit();
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form.reply-form") || !discussion.contains(form)) return;
    if (event.submitter && event.submitter.name === "preview") return;
    event.preventDefault();
    postInPlace(form);
  });

  // "N new replies — show": ask every 15-30 s (jittered, so open pages do not ask together),
  // less often while the tab is hidden, and stop after a few failures in a row.
  var notice = discussion.querySelector(".js-live-show");
  var region = discussion.querySelector(".live-replies");
  var failures = 0;
  var MAX_FAILURES = 3;

  function delay() {
    var base = 15000 + Math.random() * 15000;
    return document.visibilityState === "hidden" ? base * 4 : base;
  }

  function poll() {
    fetch(discussion.dataset.activityUrl, { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (body) {
        failures = 0;
        var fresh = body.replies - shown;
        if (fresh > 0 && notice && region) {
          notice.textContent = interpolate(
            ngettext("%(count)s new reply — show", "%(count)s new replies — show", fresh), { count: fresh }, true);
          // The first new one, if the poll still names it (it names the newest few).
          var recent = body.recent || [];
          firstNew = recent.length ? recent[Math.max(recent.length - fresh, 0)] : null;
          notice.hidden = false;
        }
        schedule();
      })
      .catch(function () {
        failures += 1;
        if (failures < MAX_FAILURES) schedule();
      });
  }

  var timer = null;
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(poll, delay());
  }

  // "Show" goes to the page that draws the first new reply, in this page's order, scrolled to it
  // (the server works out which page: forum/threads/live.py); without an id, reload here.
  var firstNew = null;
  if (notice) {
    notice.addEventListener("click", function (event) {
      event.preventDefault();
      if (firstNew && discussion.dataset.placeUrl) {
        var sort = new URLSearchParams(window.location.search).get("sort");
        window.location.href = discussion.dataset.placeUrl.replace("/0/", "/" + firstNew + "/") +
          (sort ? "?sort=" + encodeURIComponent(sort) : "");
        return;
      }
      window.history.replaceState(null, "", window.location.pathname + window.location.search + "#discussion");
      window.location.reload();
    });
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && failures < MAX_FAILURES) schedule();
  });
  schedule();
})();
