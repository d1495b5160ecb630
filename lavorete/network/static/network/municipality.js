// Optional autocomplete for municipality inputs: suggestions from the
// territory search endpoint in a <datalist>. Without JavaScript the input
// still works: the form accepts "Name (PV)" or an ISTAT code.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-lv-municipality-search]").forEach((input, index) => {
    const list = document.createElement("datalist");
    list.id = `lv-municipality-options-${index}`;
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    let controller = null;
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      const query = input.value.trim();
      if (query.length < 2) return;
      timer = window.setTimeout(async () => {
        if (controller) controller.abort();
        controller = new AbortController();
        const url = new URL(input.dataset.lvMunicipalitySearch, window.location.origin);
        url.searchParams.set("q", query);
        try {
          const response = await fetch(url, {
            headers: { Accept: "application/json" },
            credentials: "same-origin",
            signal: controller.signal,
          });
          if (!response.ok) return;
          const data = await response.json();
          const items = Array.isArray(data) ? data : data.results || [];
          list.replaceChildren(
            ...items.slice(0, 20).map((item) => {
              const option = document.createElement("option");
              option.value = item.label;
              return option;
            }),
          );
        } catch (error) {
          if (error.name !== "AbortError") list.replaceChildren();
        }
      }, 250);
    });
  });
});
