// GOV.UK Frontend's body classes, from a file so that pages under a Content-Security-Policy without inline
// scripts (the link pages) behave as every other page.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
