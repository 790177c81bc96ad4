// "Add another" for a list edited one input a row (lessons/forms.py ListInput). Without JavaScript
// the form's blank rows do the same; the server reads every <name>_<n> input and drops blank ones.
document.addEventListener("DOMContentLoaded", () => {
  for (const group of document.querySelectorAll("[data-list-input]")) {
    const list = group.querySelector("ol");
    const max = Number(group.dataset.maxItems);
    const label = group.dataset.itemLabel;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button list-input-add";
    button.textContent = `Add another ${label.toLowerCase()}`;
    const update = () => {
      button.hidden = list.children.length >= max;
    };
    button.addEventListener("click", () => {
      const row = list.lastElementChild.cloneNode(true);
      const index = list.children.length;
      const input = row.querySelector("input");
      input.name = input.name.replace(/_\d+$/, `_${index}`);
      input.id = input.id.replace(/_\d+$/, `_${index}`);
      input.value = "";
      const rowLabel = row.querySelector("label");
      rowLabel.htmlFor = input.id;
      rowLabel.textContent = `${label} ${index + 1}`;
      list.append(row);
      update();
      input.focus();
    });
    group.append(button);
    update();
  }
});
