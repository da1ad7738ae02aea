// Runs async tasks one after another. A card is a single-threaded device: two
// APDU exchanges must never interleave on one channel, and a PIV operation
// made of several APDUs (chaining, GET RESPONSE, VERIFY then SIGN) must not be
// split by another operation.

export class SerialQueue {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    // The queue continues whatever the task's outcome; the caller sees the outcome.
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
