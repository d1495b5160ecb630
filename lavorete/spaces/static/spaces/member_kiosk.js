// The entrance kiosk: after a greeting, clear it and get ready for the next person.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector(".lv-kiosk-input");
  const greeting = document.querySelector("[data-lv-kiosk-greeting]");
  if (input) {
    input.focus();
  }
  if (greeting && greeting.textContent.trim()) {
    window.setTimeout(() => {
      greeting.replaceChildren();
      if (input) {
        input.value = "";
        input.focus();
      }
    }, 8000);
  }
});
