// The start-up indicator: named stages, a bar, and a readable failure that
// says what to try (never an endless spinner).

const STAGES = ["page", "runtime", "packages", "ready"];

export class LoadingView {
  constructor(element) {
    this.element = element;
    this.bar = element.querySelector("progress");
    this.text = element.querySelector(".loading-text");
    this.steps = element.querySelectorAll("[data-stage]");
  }

  stage(name, detail) {
    const i = STAGES.indexOf(name);
    this.bar.value = (i + 1) / STAGES.length;
    this.text.textContent = detail;
    this.steps.forEach((s) => {
      const j = STAGES.indexOf(s.dataset.stage);
      s.classList.toggle("done", j < i || name === "ready");
      s.classList.toggle("current", j === i && name !== "ready");
    });
    this.element.dataset.stage = name;
    if (name === "ready") this.element.hidden = true;
  }

  fail(message) {
    this.element.hidden = false;
    this.element.dataset.stage = "failed";
    this.element.classList.add("failed");
    this.text.textContent = message;
  }
}
