// The search box needs JavaScript: shown only when scripts run (it is hidden in the HTML).
document.getElementById("searchbox").hidden = false;
