// Hands a file to the user: the Web Share API with the file when the browser can share files
// (navigator.canShare({ files })), else a download. Nothing is uploaded: share() passes the file
// to the OS share sheet, which the user drives.

export type ShareOutcome = 'shared' | 'downloaded' | 'cancelled';

/** Saves a blob through a temporary <a download> link. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; keep it a little longer for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

/** True when this browser can share a file like `file` (Web Share Level 2). */
export function canShareFile(file: File): boolean {
  return typeof navigator.share === 'function' && typeof navigator.canShare === 'function' && navigator.canShare({ files: [file] });
}

/**
 * Shares the file, or downloads it where sharing files is unsupported or fails. A user who
 * dismisses the share sheet gets 'cancelled' (no download behind their back).
 */
export async function shareOrDownload(blob: Blob, name: string, text: string): Promise<ShareOutcome> {
  const file = new File([blob], name, { type: blob.type || 'image/png' });
  if (canShareFile(file)) {
    try {
      await navigator.share({ files: [file], title: 'emolens snapshot', text });
      return 'shared';
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return 'cancelled';
      // NotAllowedError (no user activation) and the like: fall back to a download.
    }
  }
  downloadBlob(blob, name);
  return 'downloaded';
}
