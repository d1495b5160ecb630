// Municipality picker for the district form: searches as you type and appends
// "ISTAT code Name (XX)" to the textarea. Without JavaScript the card stays
// hidden and the textarea alone works.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-lv-municipality-picker]").forEach((picker) => {
    const target = document.getElementById(picker.dataset.target);
    const input = picker.querySelector("input");
    const options = picker.querySelector("datalist");
    const button = picker.querySelector("[data-lv-picker-add]");
    if (!target || !input || !options || !button) return;
    picker.classList.remove("d-none");
    let found = new Map();
    let timer = null;

    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      const query = input.value.trim();
      if (found.has(query) || query.length < 2) return;
      timer = window.setTimeout(async () => {
        const url = new URL(picker.dataset.searchUrl, window.location.href);
        url.searchParams.set("q", query);
        const response = await fetch(url, { headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const results = await response.json();
        found = new Map();
        options.replaceChildren();
        results.forEach((item) => {
          const line = `${item.istat_code} ${item.label}`;
          found.set(line, item);
          const option = document.createElement("option");
          option.value = line;
          options.appendChild(option);
        });
      }, 200);
    });

    button.addEventListener("click", () => {
      const line = input.value.trim();
      if (!line) return;
      const current = target.value.replace(/\s+$/, "");
      target.value = current ? `${current}\n${line}\n` : `${line}\n`;
      input.value = "";
      input.focus();
    });
  });
});
