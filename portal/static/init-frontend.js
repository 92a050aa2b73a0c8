// Start GOV.UK Frontend's components (a module, from a file: no inline script on any page).
import { initAll } from '/govuk/govuk-frontend.min.js';
initAll();
