// Passkeys, around django-otp-webauthn's own scripts (progressive enhancement: without JavaScript the page
// says a passkey needs it, and the authenticator app and backup codes still work).
// After the library registers a passkey, ask the person to name it; show its failures as GOV.UK errors.
const naming = document.querySelector("[data-passkey-name-url]");

document.addEventListener("otp_webauthn.register_complete", (event) => {
  const id = Number(event.detail && event.detail.id);
  if (!naming || !Number.isInteger(id) || id <= 0) return;
  const url = new URL(naming.dataset.passkeyNameUrl.replace("/0/", `/${id}/`), window.location.origin);
  if (naming.dataset.next) url.searchParams.set("next", naming.dataset.next);
  window.location.assign(url.toString());
});

const markAsError = (statusId) => () => {
  const status = document.getElementById(statusId);
  if (status) status.classList.add("govuk-error-message");
};
const clearError = (statusId) => () => {
  const status = document.getElementById(statusId);
  if (status) status.classList.remove("govuk-error-message");
};

document.addEventListener("otp_webauthn.register_failed", markAsError("passkey-register-status-message"));
document.addEventListener("otp_webauthn.register_start", clearError("passkey-register-status-message"));
document.addEventListener("otp_webauthn.verification_failed", markAsError("passkey-verification-status-message"));
document.addEventListener("otp_webauthn.verification_start", clearError("passkey-verification-status-message"));
