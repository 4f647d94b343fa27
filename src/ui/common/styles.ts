// Shared design tokens and snippets for the emo-* elements. Custom properties inherit through
// shadow roots, so emo-app-shell sets `tokens` once on its :host and every child reads them.
import { css } from 'lit';

/** Colours (WCAG AA: body text ≥ 7:1, muted text and bars ≥ 4.5:1 on their background), type, spacing. */
export const tokens = css`
  :host {
    --emo-font: system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif;
    --emo-mono: ui-monospace, 'SFMono-Regular', 'DejaVu Sans Mono', monospace;
    --emo-bg: #f7f7fb;
    --emo-surface: #ffffff;
    --emo-fg: #16161d;
    --emo-muted: #4a4a5a;
    --emo-border: #c9c9d6;
    --emo-accent: #3a36c4;
    --emo-accent-fg: #ffffff;
    --emo-track: #e3e3ee;
    --emo-bar: #5a56d6;
    --emo-bar-top: #3a36c4;
    --emo-danger-bg: #fde8e8;
    --emo-danger-fg: #8a1111;
    --emo-info-bg: #e9effd;
    --emo-info-fg: #1c2f6b;
    --emo-ok: #1f7a3a;
    --emo-warn: #9a5b00;
    --emo-radius: 10px;
    --emo-gap: 1rem;
    /* Focus ring: 5.8:1 on white, 5.4:1 on the page background (WCAG asks ≥ 3:1; the old amber was 2.1:1). */
    --emo-focus-colour: #a34e00;
    --emo-focus: 3px solid var(--emo-focus-colour);
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --emo-bg: #121218;
      --emo-surface: #1c1c25;
      --emo-fg: #f1f1f6;
      --emo-muted: #b9b9c9;
      --emo-border: #3b3b4c;
      --emo-accent: #a9a6ff;
      --emo-accent-fg: #121218;
      --emo-track: #2c2c3a;
      --emo-bar: #8c88f5;
      --emo-bar-top: #b8b5ff;
      --emo-danger-bg: #3d1416;
      --emo-danger-fg: #ffc9c9;
      --emo-info-bg: #18223f;
      --emo-info-fg: #d3ddff;
      --emo-ok: #5fd38a;
      --emo-warn: #f0b45a;
      /* 10:1 on the dark page. */
      --emo-focus-colour: #ffb347;
    }
  }
`;

/** Hidden from sight but not from screen readers or the keyboard. */
export const visuallyHidden = css`
  .visually-hidden {
    position: absolute !important;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
`;

/** A card: the surface every panel sits on. */
export const card = css`
  .card {
    background: var(--emo-surface);
    color: var(--emo-fg);
    border: 1px solid var(--emo-border);
    border-radius: var(--emo-radius);
    padding: var(--emo-gap);
  }
`;

/**
 * Pill buttons: `button` (`.primary` for the main action), `select`, and `.pill` for a label drawn as
 * one (emo-camera-view's file label), with their disabled and keyboard-focus states. Used by
 * emo-camera-view and emo-snapshot-button; list it before the element's own rules so those win.
 */
export const buttons = css`
  button,
  select,
  .pill {
    font: inherit;
    min-height: 2.5rem;
    padding: 0.4rem 0.9rem;
    border-radius: 999px;
    border: 1px solid var(--emo-border);
    background: var(--emo-surface);
    color: var(--emo-fg);
    cursor: pointer;
  }
  button.primary {
    background: var(--emo-accent);
    color: var(--emo-accent-fg);
    border-color: var(--emo-accent);
    font-weight: 600;
  }
  button:disabled,
  select:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  button:focus-visible,
  select:focus-visible,
  a:focus-visible,
  .pill:focus-visible {
    outline: var(--emo-focus);
    outline-offset: 2px;
  }
`;

/** Capitalised class name for display ('happy' → 'Happy'). */
export function displayName(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

/** 0.1234 → '12.3%'. */
export function percent(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

/** A full-page element (the app shell, the bench view): page colours and a centred grid column. */
export const page = css`
  :host {
    display: block;
    min-height: 100vh;
    box-sizing: border-box;
    padding: clamp(0.75rem, 3vw, 2rem);
    background: var(--emo-bg);
    color: var(--emo-fg);
    font-family: var(--emo-font);
    line-height: 1.45;
  }
  main {
    margin: 0 auto;
    display: grid;
    gap: var(--emo-gap);
  }
`;
