// Reply counts on a news site's listing pages (docs/embed.md):
//   <a href="/news/story" data-forum-count="https://news.example/news/story">comments</a>
//   <script src="https://FORUM/embed/count.js" async></script>
// Each element marked data-forum-count="PAGE URL" gets the count of that page's discussion as its
// text; data-forum-count-one / data-forum-count-many ("{n} comment", "{n} comments") word it.
// One request to FORUM/embed/counts.json per 50 addresses. No library needed.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) {
    var candidates = document.querySelectorAll('script[src*="/embed/count.js"]');
    script = candidates[candidates.length - 1];
  }
  if (!script) return;
  var forum = new URL(script.src, window.location.href).origin;
  var BATCH = 50;

  function words(element, count) {
    var one = element.dataset.forumCountOne;
    var many = element.dataset.forumCountMany;
    var pattern = count === 1 ? one : many;
    return pattern ? pattern.replace("{n}", count) : String(count);
  }

  function fill() {
    var elements = document.querySelectorAll("[data-forum-count]");
    var byUrl = {};
    for (var i = 0; i < elements.length; i++) {
      var url = elements[i].getAttribute("data-forum-count");
      if (!url) continue;
      (byUrl[url] = byUrl[url] || []).push(elements[i]);
    }
    var urls = Object.keys(byUrl);
    for (var start = 0; start < urls.length; start += BATCH) {
      var batch = urls.slice(start, start + BATCH);
      var query = batch.map(function (url) { return "url=" + encodeURIComponent(url); }).join("&");
      fetch(forum + "/embed/counts.json?" + query, { credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(function (counts) {
          Object.keys(counts).forEach(function (url) {
            (byUrl[url] || []).forEach(function (element) { element.textContent = words(element, counts[url]); });
          });
        })
        .catch(function () {});
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fill); else fill();
})();
