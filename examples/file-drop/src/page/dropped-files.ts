/**
 * What the user dropped, folders included: a dropped folder is walked (the File and Directory
 * Entries API, `webkitGetAsEntry`, the one way a drop exposes a folder's contents) and each file is
 * offered under its path inside the dropped folder (`trip/day 1/a.jpg`).
 */
import type { PathedFile } from '@lanrtc/browser-client';

/** Every file in a drop, each with its relative path; a plain list of files when the browser has no entries API. */
export async function droppedFiles(data: DataTransfer | null): Promise<PathedFile[]> {
  if (!data) return [];
  const entries = Array.from(data.items)
    .map((item) => (item.kind === 'file' ? item.webkitGetAsEntry?.() : null))
    .filter((e): e is FileSystemEntry => e !== null && e !== undefined);
  if (entries.length === 0) return Array.from(data.files).map((file) => ({ file, path: file.name }));
  const out: PathedFile[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

async function walk(entry: FileSystemEntry, out: PathedFile[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) =>
      (entry as FileSystemFileEntry).file(resolve, reject),
    );
    // `fullPath` is `/folder/file` from the drop's root.
    out.push({ file, path: entry.fullPath.replace(/^\/+/, '') });
    return;
  }
  if (!entry.isDirectory) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries hands out a folder in batches (100 in Chromium) until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return;
    for (const child of batch) await walk(child, out);
  }
}
