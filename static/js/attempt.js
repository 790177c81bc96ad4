// Quiz attempts without losing work: autosave, a countdown screen readers hear at sensible moments,
// submission when time is up, and the deadline in the student's own time. The page works without it.
(function () {
  "use strict";
  const form = document.getElementById("attempt-form");
  if (!form) return;
  const status = document.getElementById("autosave-status");
  const AUTOSAVE_EVERY_MS = 15000;
  let dirty = false;
  let saving = false;

  function say(text) {
    if (status) status.textContent = text;
  }

  let submitting = false;

  function plural(count, word) {
    return count + " " + word + (count === 1 ? "" : "s");
  }

  async function post() {
    const body = new FormData(form);
    body.append("save", "");
    try {
      const response = await fetch(form.action || window.location.href, {
        method: "POST",
        body: body,
        headers: { "X-Autosave": "1" },
        credentials: "same-origin",
      });
      if (response.ok) {
        const now = new Date();
        say("Answers saved at " + now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + ".");
      } else {
        say("Your answers could not be saved automatically; use the Save answers button.");
      }
    } catch (error) {
      dirty = true;
      say("No connection: your answers will be saved when it comes back.");
      throw error;
    }
  }

  // One save at a time; changes made meanwhile are saved right after. The form is aria-busy while saving.
  async function save() {
    if (saving || submitting || !dirty) return;
    saving = true;
    form.setAttribute("aria-busy", "true");
    try {
      while (dirty && !submitting) {
        dirty = false;
        await post();
      }
    } catch (error) {
      // Kept dirty: the next change or the next interval tries again.
    } finally {
      saving = false;
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", function () {
    submitting = true;
  });
  form.addEventListener("change", function () {
    dirty = true;
    save();
  });
  form.addEventListener("input", function () {
    dirty = true;
  });
  window.setInterval(save, AUTOSAVE_EVERY_MS);

  // A written answer's box counts words as the student types (the server counts the same way: runs
  // between spaces). The count is polite to screen readers and only says "too long" past the limit.
  form.querySelectorAll("textarea[data-word-count]").forEach(function (box) {
    const most = parseInt(box.dataset.maxWords, 10);
    const least = parseInt(box.dataset.minWords, 10);
    const counter = document.createElement("p");
    counter.className = "small text-body-secondary mb-0 word-counter";
    counter.id = box.id + "-words";
    counter.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    box.setAttribute("aria-describedby", ((box.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    function count() {
      const words = box.value.trim() ? box.value.trim().split(/\s+/).length : 0;
      let text = plural(words, "word");
      if (most && words > most) text += ": more than " + most + ", too long to submit";
      else if (least && words < least) text += " (at least " + least + " asked)";
      counter.textContent = text;
    }
    box.addEventListener("input", count);
    count();
  });

  const clock = document.getElementById("countdown");
  if (!clock) return;
  const localTime = document.getElementById("deadline-local");
  const deadline = new Date(localTime.getAttribute("datetime"));
  const announcer = document.getElementById("countdown-announcer");
  if (!Number.isNaN(deadline.getTime())) {
    localTime.textContent = deadline.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) + " (your time)";
  }
  // Announce only at these marks (seconds left), never every second.
  const marks = [600, 300, 120, 60, 30, 10];
  let submitted = false;

  function left(seconds) {
    if (seconds >= 60) return plural(Math.ceil(seconds / 60), "minute");
    return plural(seconds, "second");
  }

  function tick() {
    const seconds = Math.max(0, Math.round((deadline - new Date()) / 1000));
    clock.textContent = left(seconds) + " left";
    if (announcer && marks.indexOf(seconds) !== -1) {
      announcer.textContent = left(seconds) + " left to submit.";
    }
    if (seconds === 0 && !submitted) {
      submitted = true;
      if (announcer) announcer.textContent = "Time is up: your answers are being submitted.";
      const confirm = document.createElement("input");
      confirm.type = "hidden";
      confirm.name = "confirm_unanswered";
      confirm.value = "1";
      const submit = document.createElement("input");
      submit.type = "hidden";
      submit.name = "submit";
      submit.value = "";
      form.append(confirm, submit);
      // form.submit is shadowed by the button named "submit"; call the method itself.
      HTMLFormElement.prototype.submit.call(form);
    }
  }
  tick();
  window.setInterval(tick, 1000);
})();
