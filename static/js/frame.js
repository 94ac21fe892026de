// The discussion inside a news site's frame (templates/forum/embed/thread.html; docs/embed.md).
// thread.js does what it does on the article page (collapsing, replying in place, recommending);
// this file does what only a frame needs:
// - tells the host page its height (a ResizeObserver; postMessage to the embedding page's origin
//   only, which the server took from the validated ?url=);
// - lets in-frame links stay (same page anchors, /embed/ pages: sorts, pages) and opens every other
//   link in a new tab, with rel="noopener": the forum's own pages refuse to be framed;
// - posts a form (Follow, Sign out) with fetch and reloads the frame, for the same reason;
// - signs the reader in through a first-party popup, then exchanges its one-time code for the
//   frame's own session; or exchanges the site's single sign-on token (#sso= in the frame's address).
(function () {
  "use strict";
  var body = document.body;
  var parentOrigin = body.dataset.parentOrigin;
  var status = document.querySelector(".js-embed-status");
  var signin = document.querySelector(".js-embed-signin");
  var signedIn = body.dataset.signedIn === "true";

  // Every request the frame's scripts make to the forum (thread.js's reply box, preview and
  // Recommend; this file's forms and sign-in) says it comes from the frame, so the forum's
  // ordinary views answer it with the frame's partitioned cookies (config/embed_cookies.py):
  // a first-party cookie set here would be dropped by a browser blocking third-party cookies,
  // and the CSRF and messages cookies must stay in the frame's own jar.
  var plainFetch = window.fetch;
  window.fetch = function (resource, options) {
    var isRequest = typeof Request !== "undefined" && resource instanceof Request;
    var url = new URL(isRequest ? resource.url : resource, location.href);
    if (url.origin !== location.origin) return plainFetch.apply(window, arguments);
    var marked = Object.assign({}, options);
    var headers = new Headers(marked.headers || (isRequest ? resource.headers : undefined));
    headers.set("X-Forum-Frame", "1");
    marked.headers = headers;
    return plainFetch.call(window, resource, marked);
  };

  function say(text) {
    if (!status) return;
    status.textContent = text || "";
    status.hidden = !text;
  }

  // Height -------------------------------------------------------------------------------------
  var lastHeight = 0;
  function sendHeight() {
    if (!parentOrigin || window.parent === window) return;
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === lastHeight) return;
    lastHeight = height;
    window.parent.postMessage({ type: "forum:height", height: height }, parentOrigin);
  }
  if ("ResizeObserver" in window) new ResizeObserver(sendHeight).observe(document.documentElement);
  window.addEventListener("load", sendHeight);
  sendHeight();

  // The frame does not scroll (it is as tall as the thread): to show a reply it asks the host page
  // to scroll to it ("in reply to", "jump to the first new", a page of the thread at #discussion).
  function showInHost(id) {
    var target = id && document.getElementById(id);
    if (!target || !parentOrigin || window.parent === window) return false;
    var top = Math.round(target.getBoundingClientRect().top + window.scrollY);
    window.parent.postMessage({ type: "forum:scroll", top: top }, parentOrigin);
    return true;
  }

  // Links --------------------------------------------------------------------------------------
  function staysInFrame(url) {
    if (url.origin !== location.origin) return false;
    if (url.pathname.indexOf("/embed/") === 0) return true;
    return url.pathname === location.pathname && url.search === location.search && url.hash !== "";
  }
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || !event.target.closest) return;
    var link = event.target.closest("a[href]");
    if (!link || (link.target && link.target !== "_self")) return;
    var url = new URL(link.href, location.href);
    if (staysInFrame(url)) {
      if (url.pathname === location.pathname && url.search === location.search && showInHost(url.hash.slice(1))) {
        var focus = document.getElementById(url.hash.slice(1));
        var card = focus && (focus.querySelector(".reply-card") || focus);
        if (card && card.focus) card.focus({ preventScroll: true });
        event.preventDefault();
      }
      return;
    }
    link.target = "_blank";
    link.rel = ((link.rel || "") + " noopener").trim();
  });

  // Forms --------------------------------------------------------------------------------------
  function failed() {
    return body.dataset.failed || (signin && signin.dataset.failed) || "";
  }
  // The words of a refusal the forum answered with (its page's error, or alert), if any.
  function refusalOf(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    var alert = page.querySelector("main .form-errors, main [role=alert], main .errorlist, main .refusal");
    return alert ? alert.textContent.replace(/\s+/g, " ").trim() : "";
  }

  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented) return;  // thread.js posts replies in place
    var form = event.target;
    var action = new URL(form.action, location.href);
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") {
      if (!staysInFrame(action)) form.target = "_blank";  // a search, say: on the forum itself
      return;
    }
    event.preventDefault();
    var data;
    try { data = new FormData(form, event.submitter); } catch (error) { data = new FormData(form); }
    // The redirect is not followed: the page it leads to would show (and so use up) the message
    // the forum keeps for the reader ("Thank you: the moderators will look at it"), which the
    // reloaded frame shows instead.
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin", redirect: "manual" })
      .then(function (response) {
        if (response.ok || response.type === "opaqueredirect") { window.location.reload(); return; }
        return response.text().then(function (html) { say(refusalOf(html) || failed()); });
      })
      .catch(function () { say(failed()); });
  });

  // Flag: the forum's flag form, put under the reply in the frame (the flag page cannot be framed).
  function openFlagBox(link) {
    var card = link.closest(".reply-card");
    var existing = card && card.parentNode.querySelector(":scope > .inline-flag");
    if (existing) { existing.querySelector("input, textarea").focus(); return; }
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var found = new DOMParser().parseFromString(html, "text/html").querySelector("form.flag-form");
        if (!found || !card) { window.open(link.href, "_blank", "noopener"); return; }
        var box = document.createElement("div");
        box.className = "inline-flag";
        var form = document.importNode(found, true);
        form.action = link.href;  // the page's form posts to its own address
        box.appendChild(form);
        card.insertAdjacentElement("afterend", box);
        form.querySelector("input, textarea").focus();
      })
      .catch(function () { window.open(link.href, "_blank", "noopener"); });
  }
  if (signedIn) {
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a.js-flag");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      openFlagBox(link);
    }, true);  // before the link handler above gives the link a new tab
  }

  // Signing in ---------------------------------------------------------------------------------
  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function exchange(url, payload, headers) {
    headers["X-CSRFToken"] = csrfToken();
    return fetch(url, { method: "POST", body: payload, credentials: "same-origin", headers: headers })
      .then(function (response) {
        return response.json()
          .catch(function () { return {}; })
          .then(function (json) { return { ok: response.ok, json: json }; });
      });
  }

  function signinFailed() {
    return (signin && signin.dataset.failed) || failed();
  }

  function done(result) {
    if (result.ok) window.location.reload();
    else say((result.json && result.json.error) || signinFailed());
  }

  var popup = null;
  function openSignIn() {
    if (!signin) return;
    say("");
    popup = window.open(signin.dataset.signinUrl, "forum-signin", "popup,width=520,height=700");
    if (!popup) say(signin.dataset.popupBlocked);
  }

  if (signin) {
    signin.addEventListener("click", openSignIn);
    // Signed out, what would need an account asks for the sign-in first (before thread.js would
    // open the reply page, which the frame cannot show).
    document.addEventListener("click", function (event) {
      if (!event.target.closest) return;
      var wants = event.target.closest("a.js-reply, a.recommend, a.js-flag, .new-reply > a");
      if (!wants) return;
      event.preventDefault();
      event.stopPropagation();
      openSignIn();
    }, true);
    // The popup (the forum's own page, first-party) hands over a one-time code.
    window.addEventListener("message", function (event) {
      if (event.origin !== location.origin) return;
      var data = event.data;
      if (!data || data.type !== "forum:signin" || typeof data.code !== "string") return;
      if (!popup || event.source !== popup) return;  // only the window this frame opened
      var form = new FormData();
      form.append("code", data.code);
      exchange(signin.dataset.sessionUrl, form, {}).then(done, function () { say(signinFailed()); });
    });
  }

  // Single sign-on: the host page's token came in the fragment, which no server logs.
  var sso = new URLSearchParams(location.hash.slice(1)).get("sso");
  if (!sso && location.hash.length > 1) {
    window.addEventListener("load", function () { showInHost(decodeURIComponent(location.hash.slice(1))); });
  }
  if (sso) {
    window.history.replaceState(null, "", location.pathname + location.search);
    // Only inside a frame, which frame-ancestors allows on the listed sites alone: opened as a
    // page of its own, a link carrying someone else's token would sign the reader in as them.
    if (!signedIn && signin && window.top !== window) {
      exchange(signin.dataset.ssoUrl, JSON.stringify({ token: sso }), { "Content-Type": "application/json" })
        .then(done, function () { say(signinFailed()); });
    }
  }
})();
