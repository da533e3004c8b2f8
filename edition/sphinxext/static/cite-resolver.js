// cite/index.html?ref=dikova:4.3.12 goes to the unit's page. Only an enhancement: without
// JavaScript the form reloads the page, whose paths still resolve.
(function () {
  var ref = new URLSearchParams(window.location.search).get("ref");
  if (!ref) return;
  var out = document.getElementById("resolver-result");
  fetch("refs.json").then(function (r) { return r.json(); }).then(function (refs) {
    if (Object.prototype.hasOwnProperty.call(refs, ref)) { window.location.replace(refs[ref]); }
    else { out.textContent = "No citable unit has the reference " + ref + "."; }
  });
})();
