/* The edition's search page: mounts Pagefind's UI (written into the site by
   `edition build`) and runs the query of the theme's search box (?q=…).
   Without JavaScript the page's <noscript> text points to the registers. */
"use strict";
window.addEventListener("DOMContentLoaded", () => {
  const mount = document.getElementById("edition-search");
  if (!mount || typeof PagefindUI === "undefined") return;
  const ui = new PagefindUI({
    element: "#edition-search",
    // Pagefind imports its modules from this path: it must be an absolute URL.
    bundlePath: new URL(mount.dataset.bundle, document.baseURI).href,
    // Result URLs are relative to the site root, which is where this page is.
    baseUrl: new URL("./", document.baseURI).pathname,
    showImages: false,
    showSubResults: false,
    excerptLength: 24,
    resetStyles: false,
    translations: { placeholder: "Search the edition (text and notes)" },
  });
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
