// Idle-timeout warning (GOV.UK timeout warning pattern). Without JavaScript the server still signs
// the person out after the idle limit and says why; this only warns two minutes before.
const dialog = document.getElementById("app-timeout-warning");
if (dialog && typeof dialog.showModal === "function") {
  // Seconds left when this page was served (activity is recorded at most once a minute), and the
  // whole limit, which "Stay signed in" starts again.
  const limit = Number(dialog.dataset.idleLimit);
  const warnBefore = Math.min(120, Math.floor(limit / 2));
  const countdown = dialog.querySelector("[data-countdown]");
  let warnTimer;
  let endTimer;
  let tick;

  const describe = (seconds) => {
    if (seconds >= 60) {
      const minutes = Math.ceil(seconds / 60);
      return `${minutes} minute${minutes === 1 ? "" : "s"}`;
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const start = (idle) => {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    clearInterval(tick);
    warnTimer = setTimeout(() => {
      let left = Math.min(warnBefore, idle);
      countdown.textContent = describe(left);
      dialog.showModal();
      tick = setInterval(() => {
        left -= 1;
        if (left > 0) countdown.textContent = describe(left);
      }, 1000);
    }, Math.max(0, idle - warnBefore) * 1000);
    // At the limit, reload: the server ends the session and shows why.
    endTimer = setTimeout(() => window.location.reload(), (idle + 1) * 1000);
  };

  dialog.querySelector("[data-stay]").addEventListener("click", async () => {
    const response = await fetch(dialog.dataset.keepAliveUrl, { credentials: "same-origin", cache: "no-store" });
    dialog.close();
    if (response.ok && !response.redirected) start(limit);
    else window.location.reload();
  });
  dialog.addEventListener("cancel", (event) => event.preventDefault());
  start(Number(dialog.dataset.idleSeconds));
}
