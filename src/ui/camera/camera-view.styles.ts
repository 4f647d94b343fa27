// emo-camera-view's styles, kept beside the element so its file holds only behaviour and markup.
import { css } from 'lit';
import { buttons, card, tokens, visuallyHidden } from '../common/styles';

export const cameraViewStyles = [
  tokens,
  card,
  visuallyHidden,
  buttons,
  css`
    :host {
      display: block;
      font-family: var(--emo-font);
      color: var(--emo-fg);
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 0.75rem;
      align-items: center;
      margin-bottom: 0.75rem;
    }
    /* The pill look comes from buttons (styles.ts); here the controls also line up in their row. */
    button,
    select,
    .file {
      display: inline-flex;
      align-items: center;
      box-sizing: border-box;
      line-height: 1.2;
    }
    input:focus-visible + .file,
    .switch input:focus-visible {
      outline: var(--emo-focus);
      outline-offset: 2px;
    }
    .switch {
      display: inline-flex;
      gap: 0.4rem;
      align-items: center;
      cursor: pointer;
    }
    .switch input {
      width: 1.2rem;
      height: 1.2rem;
      accent-color: var(--emo-accent);
    }
    .stage {
      position: relative;
      /* As wide as the card, but never taller than 75% of the viewport (--ar = width / height). */
      width: min(100%, calc(75vh * var(--ar, 1.3333)));
      aspect-ratio: 4 / 3;
      margin: 0 auto;
      background: #000;
      border-radius: var(--emo-radius);
      overflow: hidden;
    }
    .stage.dragover {
      outline: 3px dashed var(--emo-accent);
      outline-offset: 3px;
    }
    .stage video,
    .stage img,
    .stage canvas {
      position: absolute;
      inset: 0;
      width: 100%;
      height: 100%;
      object-fit: fill;
    }
    .stage.mirror video {
      transform: scaleX(-1);
    }
    .stage .empty {
      position: absolute;
      inset: 0;
      display: grid;
      place-items: center;
      padding: 1rem;
      text-align: center;
      color: #f1f1f6;
    }
    .hud {
      position: absolute;
      top: 0.4rem;
      left: 0.4rem;
      padding: 0.25rem 0.5rem;
      border-radius: 6px;
      background: rgba(10, 10, 20, 0.78);
      color: #fff;
      font: 0.8rem/1.3 var(--emo-mono);
      pointer-events: none;
    }
    .message {
      margin: 0 0 0.75rem;
      padding: 0.6rem 0.8rem;
      border-radius: 8px;
      background: var(--emo-info-bg);
      color: var(--emo-info-fg);
    }
    .message.error {
      background: var(--emo-danger-bg);
      color: var(--emo-danger-fg);
    }
    .message button {
      margin-left: 0.5rem;
    }
    ul.faces {
      list-style: none;
      margin: 0.75rem 0 0;
      padding: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 0.4rem;
    }
    ul.faces li {
      padding: 0.2rem 0.6rem;
      border-radius: 999px;
      background: var(--emo-track);
      font-variant-numeric: tabular-nums;
    }
    .credit {
      margin: 0.5rem 0 0;
      font-size: 0.85rem;
      color: var(--emo-muted);
    }
    .credit a {
      color: var(--emo-accent);
    }
    .controls.saliency {
      margin: 0.75rem 0 0;
    }
  `,
];
