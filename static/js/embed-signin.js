// The sign-in popup's last page (accounts/embed_views.py: signin). It hands the one-time code to
// the embedded frame that opened it, and only to a window on the forum's own origin: the
// browser drops the message if the opener is anywhere else. Without an opener (the page was
// opened on its own), the page just says the reader is signed in.
(function () {
  "use strict";
  var page = document.getElementById("forum-signin");
  if (!page || !page.dataset.code) {
    return;
  }
  var opener = window.opener;
  if (!opener || opener.closed) {
    return;
  }
  try {
    opener.postMessage({ type: "forum:signin", code: page.dataset.code }, page.dataset.origin);
  } catch (error) {
    return; // the text on the page stays: the reader closes the window
  }
  window.close();
})();
