/**
 * Splits a text stream into lines for newline-delimited JSON. A line longer than `maxLength`
 * characters is dropped up to its newline (`onOverflow` is called once for it) so one huge frame
 * can neither exhaust memory nor desynchronise the stream.
 */
export function createLineSplitter(
  maxLength: number,
  onLine: (line: string) => void,
  onOverflow: () => void,
): (chunk: string) => void {
  let pending = '';
  let skipping = false;
  return (chunk) => {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      if (skipping) {
        skipping = false;
      } else {
        let line = pending + chunk.slice(start, nl);
        pending = '';
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line.length > maxLength) onOverflow();
        else if (line.length > 0) onLine(line);
      }
      start = nl + 1;
    }
    if (skipping || start === chunk.length) return;
    pending += chunk.slice(start);
    if (pending.length > maxLength) {
      pending = '';
      skipping = true;
      onOverflow();
    }
  };
}
