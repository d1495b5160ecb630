// The skill picker: an ARIA combobox over the ESCO search API (/api/v1/skills?q=).
// Without JavaScript the form still works: submitted with only the text, the
// page comes back with the matching skills as radio buttons.
(() => {
  "use strict";

  function setUp(root) {
    const input = root.querySelector('input[role="combobox"]');
    const hidden = root.querySelector("input[data-lv-skill-value]");
    const listbox = root.querySelector('[role="listbox"]');
    const status = root.querySelector(".lv-skill-status");
    if (!input || !hidden || !listbox || !status) return;
    let timer = null;
    let controller = null;
    let options = [];
    let active = -1;

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      options.forEach((option, i) => {
        const on = i === index;
        option.classList.toggle("active", on);
        option.setAttribute("aria-selected", on ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      hidden.value = option.dataset.id;
      input.value = option.dataset.label;
      root.querySelectorAll('input[type="radio"]').forEach((radio) => {
        radio.checked = false;
      });
      const strong = document.createElement("strong");
      strong.textContent = option.dataset.label;
      if (option.dataset.lang) strong.lang = option.dataset.lang;
      status.replaceChildren(`${root.dataset.msgChosen} `, strong);
      close();
    }

    function render(items) {
      options = items.map((item, index) => {
        const option = document.createElement("li");
        option.id = `${listbox.id}_opt${index}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "list-group-item list-group-item-action lv-skill-option";
        option.dataset.id = String(item.id);
        option.dataset.label = item.label.text;
        const text = document.createElement("span");
        text.textContent = item.label.text;
        if (item.label.fallback) {
          option.dataset.lang = item.label.language;
          text.lang = item.label.language;
        }
        option.append(text);
        if (item.label.fallback) {
          const badge = document.createElement("span");
          badge.className = "badge bg-secondary ms-2";
          badge.textContent = root.dataset.msgEnglish;
          option.append(badge);
        }
        option.addEventListener("mousedown", (event) => {
          event.preventDefault(); // keep the focus in the input
          choose(option);
        });
        return option;
      });
      listbox.replaceChildren(...options);
      const open = options.length > 0;
      listbox.hidden = !open;
      input.setAttribute("aria-expanded", open ? "true" : "false");
      active = -1;
      status.textContent = open
        ? `${root.dataset.msgResults} ${options.length}`
        : root.dataset.msgNone;
    }

    async function query(text) {
      if (controller) controller.abort();
      controller = new AbortController();
      const url = new URL(root.dataset.searchUrl, window.location.origin);
      url.searchParams.set("q", text);
      url.searchParams.set("lang", root.dataset.lang || "it");
      url.searchParams.set("limit", "10");
      try {
        const response = await fetch(url, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          signal: controller.signal,
        });
        if (!response.ok) return;
        render(await response.json());
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }

    input.addEventListener("input", () => {
      hidden.value = "";
      window.clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) {
        listbox.replaceChildren();
        close();
        return;
      }
      timer = window.setTimeout(() => query(text), 200);
    });

    input.addEventListener("keydown", (event) => {
      const open = !listbox.hidden && options.length > 0;
      if (event.key === "ArrowDown" && open) {
        event.preventDefault();
        highlight((active + 1) % options.length);
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        highlight(active <= 0 ? options.length - 1 : active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault(); // choosing is not submitting
        choose(options[active]);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", () => window.setTimeout(close, 150));
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-lv-skill-picker]").forEach(setUp);
  });
})();
