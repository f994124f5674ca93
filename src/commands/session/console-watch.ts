/**
 * continue-until-console's matcher: does the guest's console output since
 * the command started contain the text? Output comes in chunks (one byte at
 * a time from the UART), so only the last `text.length - 1` characters seen
 * are kept between chunks — a match across chunks is found, nothing older
 * is held.
 */
export class ConsoleWatch {
  private tail = '';

  constructor(readonly text: string) {
    if (text.length === 0) throw new RangeError('empty console text');
  }

  /** The next chunk of output; true once the text has appeared (in it, or across it and the chunks before). */
  feed(chunk: string): boolean {
    const seen = this.tail + chunk;
    if (seen.includes(this.text)) return true;
    this.tail = seen.slice(Math.max(0, seen.length - (this.text.length - 1)));
    return false;
  }
}
