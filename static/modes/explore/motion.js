// Play, pause and step the filter window through every position, row by
// row, as the convolution visits them. The window position is the only
// state: playing just moves it on a timer, so dragging, links and the
// inspector all stay in step.

export const SPEEDS = { slow: 700, normal: 250, fast: 60 }; // ms per position

export class Motion {
  /** count(): number of positions; index(): the window's position; goto(i): move the window there. */
  constructor({ count, index, goto, onChange = () => {} }) {
    Object.assign(this, { count, index, goto, onChange });
    this.timer = null;
    this.speed = "normal";
  }

  get playing() {
    return this.timer !== null;
  }

  step(n = 1) {
    const i = Math.min(Math.max(this.index() + n, 0), this.count() - 1);
    this.goto(i);
    if (i === this.count() - 1 && n > 0) this.pause();
    this.onChange();
  }

  play() {
    if (this.playing) return;
    if (this.index() >= this.count() - 1) this.goto(0); // play again from the start
    this.timer = setInterval(() => this.step(1), SPEEDS[this.speed]);
    this.onChange();
  }

  pause() {
    clearInterval(this.timer);
    this.timer = null;
    this.onChange();
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(name) {
    if (!(name in SPEEDS)) return;
    this.speed = name;
    if (this.playing) { this.pause(); this.play(); }
  }
}
