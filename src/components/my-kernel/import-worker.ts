/** The my-kernel page's Web Worker: archive bytes in, the snapshot (or why not) out; nothing leaves the browser. */
import { importArchive } from '../../site/my-kernel/import.ts';

self.onmessage = (message: MessageEvent<{ bytes: Uint8Array; name: string }>) => {
	self.postMessage(importArchive(message.data.bytes, message.data.name));
};
