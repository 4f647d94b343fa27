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
    select {
      min-width: 0;
      max-width: 100%;
      text-overflow: ellipsis;
    }
    input:disabled + .file {
      opacity: 0.55;
      cursor: not-allowed;
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
    /* Nothing to show yet: a short drop zone, not a large black box. */
    .stage.idle {
      width: 100%;
      aspect-ratio: auto;
      min-height: 7rem;
      background: var(--emo-surface);
      border: 2px dashed var(--emo-border);
      box-sizing: border-box;
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
    .stage [hidden] {
      display: none;
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
      color: var(--emo-muted);
    }
    /* The HUD sits under the picture, never over it: faces are often at the top of a frame. */
    .hud {
      margin: 0.4rem 0 0;
      color: var(--emo-muted);
      font: 0.8rem/1.3 var(--emo-mono);
      overflow-wrap: anywhere;
    }
    .message {
      margin: 0.75rem 0;
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
    .timeline {
      margin-top: 1rem;
    }
    .timeline h3 {
      margin: 0 0 0.5rem;
      font-size: 1.05rem;
    }
    #play-again {
      margin-top: 0.5rem;
    }
    emo-face-list {
      margin-top: 0.75rem;
    }
    #no-face p {
      margin: 0 0 0.4rem;
    }
    #no-face p:last-child {
      margin: 0;
    }
    #no-face button {
      margin-top: 0.4rem;
    }
    /* The way out of a failed load: the one main action there. */
    .message a.pill {
      display: inline-flex;
      align-items: center;
      box-sizing: border-box;
      margin: 0.5rem 0 0;
      text-decoration: none;
      background: var(--emo-accent);
      color: var(--emo-accent-fg);
      border-color: var(--emo-accent);
      font-weight: 600;
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
