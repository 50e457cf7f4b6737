// Progressive enhancement only: every page works without this file.
import { initAll } from "../govuk/govuk-frontend.min.js";
import { FilterToggleButton, initAll as initMoj } from "../govuk/moj-frontend.min.js";

initAll();
// MOJ Frontend: button menus, the queue's "select all" (multi-select). Its sortable table is not started:
// the queue sorts on the server across every page, through links in the headers.
initMoj();

// The queue's filter folds away behind a "Show filter" button below desktop width, where MOJ's filter layout
// lays it over the page (the same breakpoint as moj-filter-layout, not the toggle's tablet default).
const $filter = document.querySelector('[data-module="moj-filter"]');
if ($filter) {
  new FilterToggleButton($filter, {
    bigModeMediaQuery: "(min-width: 61.875em)",
    startHidden: false,
    toggleButton: { showText: "Show filter", hideText: "Hide filter", classes: "govuk-button--secondary" },
    closeButton: { text: "Close", classes: "moj-filter__close" },
  });
}
