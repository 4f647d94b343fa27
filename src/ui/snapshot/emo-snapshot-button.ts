import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { type ShareOutcome, canShareFile, shareOrDownload } from './share-file';
import { CARD_HEIGHT, CARD_WIDTH, type SnapshotInput, cardFaceRect, snapshotCaption, snapshotFileName, snapshotPng } from './snapshot-card';
import { buttons } from '../common/styles';

/**
 * One tap freezes the current face(s) into a PNG card (snapshot-card.ts) and previews it, with
 * "Share" (the Web Share API with the file where the browser can share files, else a download)
 * and "Close". The host supplies the frozen data through `capture`.
 *
 * @fires emo-snapshot - after a card is made; detail: { blob: Blob; caption: string }
 * @fires emo-snapshot-shared - after Share; detail: { outcome: 'shared' | 'downloaded' | 'cancelled' }
 * @csspart button - the snapshot button
 * @csspart preview - the card preview image
 */
@customElement('emo-snapshot-button')
export class SnapshotButton extends LitElement {
  static override styles = [
    buttons,
    css`
      :host {
        display: inline-block;
        font-family: var(--emo-font);
        color: var(--emo-fg);
      }
      .preview {
        margin-top: 0.75rem;
        padding: 0.75rem;
        border: 1px solid var(--emo-border);
        border-radius: var(--emo-radius);
        background: var(--emo-surface);
        max-width: 40rem;
      }
      img {
        display: block;
        width: 100%;
        height: auto;
        border-radius: 6px;
      }
      .caption {
        margin: 0.5rem 0;
        color: var(--emo-muted);
        font-size: 0.9rem;
      }
      .actions {
        display: flex;
        gap: 0.5rem;
      }
      .status {
        margin: 0.5rem 0 0;
        font-size: 0.9rem;
      }
    `,
  ];

  /** Returns the frozen faces to put on the card, or undefined when there is nothing to show. */
  @property({ attribute: false }) capture?: () => SnapshotInput | undefined | Promise<SnapshotInput | undefined>;

  /** Disables the button (no model or no face yet). */
  @property({ type: Boolean }) disabled = false;

  /** The latest card (tests and hosts read it). */
  @state() snapshot?: { blob: Blob; url: string; caption: string; name: string; faceRect: [number, number, number] };
  @state() private _busy = false;
  @state() private _status = '';

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.snapshot) URL.revokeObjectURL(this.snapshot.url);
  }

  override render() {
    const s = this.snapshot;
    return html`
      <button part="button" id="snapshot" ?disabled=${this.disabled || this._busy || !this.capture} @click=${this._onSnapshot}>
        ${this._busy ? 'Making snapshot…' : 'Snapshot'}
      </button>
      ${s
        ? html`<section class="preview" role="region" aria-label="Snapshot">
            <img part="preview" src=${s.url} width=${CARD_WIDTH} height=${CARD_HEIGHT} alt=${s.caption}
              data-face-rect=${s.faceRect.join(',')} />
            <p class="caption" id="snapshot-caption">${s.caption}</p>
            <div class="actions">
              <button class="primary" id="share" @click=${this._onShare}>${this._shareLabel(s)}</button>
              <button id="close" @click=${this._onClose}>Close</button>
            </div>
            ${this._status ? html`<p class="status" role="status">${this._status}</p>` : nothing}
          </section>`
        : this._status
          ? html`<p class="status" role="status">${this._status}</p>`
          : nothing}
    `;
  }

  private _shareLabel(s: { blob: Blob; name: string }): string {
    return canShareFile(new File([s.blob], s.name, { type: 'image/png' })) ? 'Share' : 'Download';
  }

  private async _onSnapshot(): Promise<void> {
    if (!this.capture) return;
    this._busy = true;
    this._status = '';
    try {
      const input = await this.capture();
      if (!input || !input.faces.length) {
        this._status = 'No face to snapshot yet.';
        return;
      }
      const blob = await snapshotPng(input);
      if (this.snapshot) URL.revokeObjectURL(this.snapshot.url);
      const caption = snapshotCaption(input);
      this.snapshot = { blob, url: URL.createObjectURL(blob), caption, name: snapshotFileName(input.time), faceRect: cardFaceRect(0, input.faces.length) };
      this.dispatchEvent(new CustomEvent('emo-snapshot', { detail: { blob, caption }, bubbles: true, composed: true }));
    } catch (e) {
      this._status = `The snapshot failed: ${e instanceof Error ? e.message : String(e)}`;
    } finally {
      this._busy = false;
    }
  }

  private async _onShare(): Promise<void> {
    const s = this.snapshot;
    if (!s) return;
    const outcome: ShareOutcome = await shareOrDownload(s.blob, s.name, s.caption);
    this._status = outcome === 'shared' ? 'Shared.' : outcome === 'downloaded' ? `Saved as ${s.name}.` : 'Sharing cancelled.';
    this.dispatchEvent(new CustomEvent('emo-snapshot-shared', { detail: { outcome }, bubbles: true, composed: true }));
  }

  private _onClose(): void {
    if (this.snapshot) URL.revokeObjectURL(this.snapshot.url);
    this.snapshot = undefined;
    this._status = '';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'emo-snapshot-button': SnapshotButton;
  }
}
