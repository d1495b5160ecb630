// Small behaviours that need no framework. Loaded with defer; no inline script.
document.addEventListener("DOMContentLoaded", () => {
  // Language switch: submit the form as soon as a language is chosen.
  document.querySelectorAll("[data-lv-autosubmit]").forEach((el) => {
    el.addEventListener("change", () => el.form.submit());
  });
  // Buttons that ask for confirmation before a destructive POST.
  document.querySelectorAll("[data-lv-confirm]").forEach((el) => {
    el.addEventListener("click", (event) => {
      if (!window.confirm(el.dataset.lvConfirm)) event.preventDefault();
    });
  });
});
