import { LitElement, css, html } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { visuallyHidden } from '../common/styles';

/** Detail of the `emo-image-selected` event. */
export interface ImageSelectedDetail {
  file: File;
}

/**
 * Choose a photo with the file dialog (a real `<input type="file">`, so keyboard and screen
 * readers work as usual) or drop one onto the zone.
 *
 * @fires emo-image-selected - a file was chosen or dropped; detail: ImageSelectedDetail
 * @csspart button - the visible "Choose a photo" control
 */
@customElement('emo-image-picker')
export class ImagePicker extends LitElement {
  static override styles = [
    visuallyHidden,
    css`
      :host {
        display: block;
        font-family: var(--emo-font);
      }
      .zone {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        justify-content: center;
        gap: 0.5rem 1rem;
        padding: 1.5rem 1rem;
        border: 2px dashed var(--emo-border);
        border-radius: var(--emo-radius);
        background: var(--emo-surface);
        color: var(--emo-muted);
        text-align: center;
      }
      .zone.over {
        border-color: var(--emo-accent);
        background: var(--emo-info-bg);
        color: var(--emo-info-fg);
      }
      label {
        display: inline-block;
        padding: 0.6rem 1.1rem;
        border-radius: 999px;
        background: var(--emo-accent);
        color: var(--emo-accent-fg);
        font-weight: 600;
        cursor: pointer;
      }
      :host([disabled]) label {
        opacity: 0.55;
        cursor: not-allowed;
      }
      input:focus-visible + label {
        outline: var(--emo-focus);
        outline-offset: 3px;
      }
    `,
  ];

  /** Disables the input while the model is not ready. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  @state() private _over = false;

  override render() {
    return html`
      <div
        class="zone ${this._over ? 'over' : ''}"
        @dragenter=${this._onDragOver}
        @dragover=${this._onDragOver}
        @dragleave=${this._onDragLeave}
        @drop=${this._onDrop}
      >
        <input
          id="file"
          class="visually-hidden"
          type="file"
          accept="image/*"
          ?disabled=${this.disabled}
          @change=${this._onChange}
          aria-describedby="hint"
        />
        <label for="file" part="button">Choose a photo</label>
        <span id="hint">or drop one here. It never leaves this device.</span>
      </div>
    `;
  }

  private _select(file: File | undefined) {
    if (!file || this.disabled) return;
    this.dispatchEvent(
      new CustomEvent<ImageSelectedDetail>('emo-image-selected', { detail: { file }, bubbles: true, composed: true }),
    );
  }

  private _onChange(e: Event) {
    const input = e.target as HTMLInputElement;
    this._select(input.files?.[0]);
    input.value = ''; // choosing the same file again fires change again
  }

  private _onDragOver(e: DragEvent) {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = this.disabled ? 'none' : 'copy';
    this._over = !this.disabled;
  }

  private _onDragLeave() {
    this._over = false;
  }

  private _onDrop(e: DragEvent) {
    e.preventDefault();
    this._over = false;
    this._select(e.dataTransfer?.files?.[0]);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-image-picker': ImagePicker;
  }
  interface HTMLElementEventMap {
    'emo-image-selected': CustomEvent<ImageSelectedDetail>;
  }
}
