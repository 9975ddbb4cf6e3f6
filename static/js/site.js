// Jetu: small progressive enhancements. No inline script anywhere (the CSP forbids it).
(function () {
  "use strict";

  // Cookie notice (clauses 1.10 and 5.5): shown until dismissed; the choice is kept for a year.
  var notice = document.querySelector("[data-cookie-notice]");
  if (notice && document.cookie.indexOf("cookie_notice_dismissed=1") === -1) {
    notice.hidden = false;
    var dismiss = notice.querySelector("[data-cookie-notice-dismiss]");
    dismiss.addEventListener("click", function () {
      document.cookie = "cookie_notice_dismissed=1; max-age=31536000; path=/; SameSite=Lax";
      notice.hidden = true;
    });
  }

  // The language switcher keeps the clause being read (#p-4.3.2): both languages of a
  // document share its anchors, so the other language opens at the same clause.
  function keepAnchorInLanguageLinks() {
    document.querySelectorAll(".language-switcher a[hreflang]").forEach(function (link) {
      var url = new URL(link.getAttribute("href"), window.location.href);
      url.hash = window.location.hash;
      link.setAttribute("href", url.pathname + url.search + url.hash);
    });
  }
  keepAnchorInLanguageLinks();
  window.addEventListener("hashchange", keepAnchorInLanguageLinks);

  // "Copy link to this clause": copies the absolute URL with the clause's anchor.
  function toast(text) {
    var el = document.createElement("div");
    el.className = "copied-toast";
    el.setAttribute("role", "status");
    el.textContent = text;
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, 1800);
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-copy-link]");
    if (!link || !navigator.clipboard) { return; }
    var url = new URL(link.getAttribute("href"), window.location.href).href;
    navigator.clipboard.writeText(url).then(function () {
      toast(document.documentElement.lang === "kk" ? "Сілтеме көшірілді" : "Ссылка скопирована");
    }, function () {});
    history.replaceState(null, "", link.getAttribute("href"));
    keepAnchorInLanguageLinks();
    event.preventDefault();
  });

  // Printing buttons.
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
