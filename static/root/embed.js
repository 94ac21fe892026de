// The forum's discussion under a news site's article (docs/embed.md). Paste:
//   <div data-forum-thread data-url="PAGE URL"></div><script src="https://FORUM/embed.js" async></script>
// Each div[data-forum-thread] gets a frame of FORUM/embed/thread/?url=PAGE URL, as tall as the
// discussion: the frame posts its height (and where to scroll to show one of its replies), and
// only messages from the forum's origin, from that frame, are heard. The page's address: data-url, else <link rel="canonical">, else this page
// without its query and fragment. A data-sso-token goes to the frame in the fragment (#sso=),
// which browsers do not send to the server, so it is in no log. No library needed.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    var candidates = document.querySelectorAll('script[src*="/embed.js"]');
    script = candidates[candidates.length - 1];
  }
  if (!script) return;
  var forum = new URL(script.src, window.location.href).origin;
  var frames = [];

  function pageUrl(holder) {
    if (holder.dataset.url) return new URL(holder.dataset.url, window.location.href).href;
    var canonical = document.querySelector('link[rel="canonical"][href]');
    if (canonical) return canonical.href;
    return window.location.origin + window.location.pathname;
  }

  function mount(holder) {
    if (holder.dataset.forumMounted) return;
    holder.dataset.forumMounted = "true";
    var iframe = document.createElement("iframe");
    var src = forum + "/embed/thread/?url=" + encodeURIComponent(pageUrl(holder));
    if (holder.dataset.ssoToken) src += "#sso=" + encodeURIComponent(holder.dataset.ssoToken);
    iframe.src = src;
    iframe.title = holder.dataset.title || "Discussion";
    iframe.setAttribute("scrolling", "no");
    iframe.style.cssText = "display:block;width:100%;min-width:100%;border:0;overflow:hidden;height:320px";
    holder.appendChild(iframe);
    frames.push(iframe);
  }

  window.addEventListener("message", function (event) {
    if (event.origin !== forum) return;
    var data = event.data;
    if (!data || typeof data !== "object") return;
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow !== event.source) continue;
      if (data.type === "forum:height" && typeof data.height === "number") {
        frames[i].style.height = Math.max(0, Math.ceil(data.height)) + "px";
      } else if (data.type === "forum:scroll" && typeof data.top === "number") {
        // The frame does not scroll: it asks for a reply of its own to be brought into view.
        var top = window.pageYOffset + frames[i].getBoundingClientRect().top + Math.max(0, data.top) - 16;
        window.scrollTo(0, Math.max(0, top));
      }
    }
  });

  function mountAll() {
    var holders = document.querySelectorAll("div[data-forum-thread]");
    for (var i = 0; i < holders.length; i++) mount(holders[i]);
  }
  mountAll();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
})();
